import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AppConfig } from '../../config/app-config';
import { NOTIFICATION_SENDER, NotificationSender, SendOutcome } from './notification-sender';
import type { NotificationKind } from './notification-kinds';

// Notices pushed at the same time: enough to keep a batch short, few enough to be polite.
const PARALLEL_SENDS = 10;

/**
 * Pushes the notices that are due out of the outbox. The rows of a batch stay locked
 * (SKIP LOCKED) until their outcomes are written, so no two runs push the same notice; a
 * run that dies mid-batch leaves its notices due, to be pushed again (at least once).
 */
@Injectable()
export class NotificationDispatcher {
  constructor(
    private readonly connection: TransactionalConnection,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async dispatchDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const due = await this.connection.query<{
      id: string;
      kind: NotificationKind;
      title: string;
      body: string;
      data: Record<string, unknown>;
      delivery_attempts: number;
      openid: string;
    }>(
      ctx,
      `SELECT n.id, n.kind, n.title, n.body, n.data, n.delivery_attempts, m.openid
       FROM notifications n JOIN members m ON m.id = n.member_id
       WHERE n.delivery = 'pending' AND n.next_attempt_at <= $1
       ORDER BY n.next_attempt_at LIMIT $2 FOR UPDATE OF n SKIP LOCKED`,
      [now, limit],
    );
    const outcomes: SendOutcome[] = [];
    for (let i = 0; i < due.length; i += PARALLEL_SENDS) {
      const sends = due
        .slice(i, i + PARALLEL_SENDS)
        .map(({ delivery_attempts: _attempts, ...notification }) => this.sender.send(notification));
      outcomes.push(...(await Promise.all(sends)));
    }
    const results = due.map((row, i) => this.resultOf(outcomes[i], row.delivery_attempts + 1, now));
    await this.connection.query(
      ctx,
      `UPDATE notifications n SET delivery = r.delivery, delivery_attempts = n.delivery_attempts + 1,
         next_attempt_at = r.next_attempt_at, delivery_error = r.error,
         delivered_at = CASE WHEN r.delivery = 'sent' THEN $5::timestamptz END
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS r(id, delivery, next_attempt_at, error)
       WHERE n.id = r.id`,
      [
        due.map((row) => row.id),
        results.map((r) => r.delivery),
        results.map((r) => r.nextAttemptAt),
        results.map((r) => r.error),
        now,
      ],
    );
    return due.length;
  }

  /** Sent and skipped are final; a retry waits twice as long each time, up to the last try. */
  private resultOf(outcome: SendOutcome, attempts: number, now: Date) {
    if (outcome.status !== 'retry')
      return {
        delivery: outcome.status,
        nextAttemptAt: now,
        error: outcome.status === 'skipped' ? outcome.reason : null,
      };
    const last = attempts >= this.config.NOTIFICATION_MAX_ATTEMPTS;
    const waitMs = this.config.NOTIFICATION_RETRY_BASE_SECONDS * 1000 * 2 ** (attempts - 1);
    return {
      delivery: last ? 'failed' : 'pending',
      nextAttemptAt: new Date(now.getTime() + (last ? 0 : waitMs)),
      error: outcome.reason,
    };
  }
}
