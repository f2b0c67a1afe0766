import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AppConfig } from '../../config/app-config';
import { NOTIFICATION_SENDER, NotificationSender, SendOutcome } from './notification-sender';
import type { NotificationKind } from './notification-kinds';

// Notices pushed at the same time: enough to keep a batch short, few enough to be polite.
const PARALLEL_SENDS = 10;
// How long a batch has its notices to itself: longer than the slowest batch (five rounds of a
// token fetch and two sends, each cut off after WECHAT_TIMEOUT_MS) takes.
const LEASE_MS = 5 * 60_000;

interface DueNotice {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  delivery_attempts: number;
  openid: string;
}

/**
 * Pushes the notices that are due out of the outbox. A batch claims its notices for a lease in
 * a short transaction of its own (SKIP LOCKED), so no two runs push the same notice and no row
 * stays locked while WeChat answers (a member marking one read never waits for it); each round's
 * outcomes are written as soon as they come. A run that dies mid-batch leaves the rest of its
 * notices to be pushed again once the lease ends (at least once).
 */
@Injectable()
export class NotificationDispatcher {
  constructor(
    private readonly connection: TransactionalConnection,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async dispatchDue(_ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const due = await this.connection.query<DueNotice>(
      RequestContext.forSystem('dispatch-notifications'),
      `WITH due AS (
         SELECT id FROM notifications
         WHERE delivery = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE notifications n SET next_attempt_at = $3
       FROM due, members m
       WHERE n.id = due.id AND m.id = n.member_id
       RETURNING n.id, n.kind, n.title, n.body, n.data, n.delivery_attempts, m.openid`,
      [now, limit, new Date(now.getTime() + LEASE_MS)],
    );
    for (let i = 0; i < due.length; i += PARALLEL_SENDS) {
      const round = due.slice(i, i + PARALLEL_SENDS);
      const outcomes = await Promise.all(
        round.map(({ delivery_attempts: _attempts, ...notification }) =>
          this.sender.send(notification),
        ),
      );
      await this.record(round, outcomes);
    }
    return due.length;
  }

  /** Writes what the sends of a round came to, at once and on their own. */
  private async record(round: DueNotice[], outcomes: SendOutcome[]): Promise<void> {
    const now = this.clock.now();
    const results = round.map((row, i) =>
      this.resultOf(outcomes[i], row.delivery_attempts + 1, now),
    );
    await this.connection.query(
      RequestContext.forSystem('dispatch-notifications'),
      `UPDATE notifications n SET delivery = r.delivery, delivery_attempts = n.delivery_attempts + 1,
         next_attempt_at = r.next_attempt_at, delivery_error = r.error,
         delivered_at = CASE WHEN r.delivery = 'sent' THEN $5::timestamptz END
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS r(id, delivery, next_attempt_at, error)
       WHERE n.id = r.id`,
      [
        round.map((row) => row.id),
        results.map((r) => r.delivery),
        results.map((r) => r.nextAttemptAt),
        results.map((r) => r.error),
        now,
      ],
    );
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
