import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { decodeCursor, PageQuery, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationPage, UnreadCount } from './dto/notification.dto';
import type { NotificationKind } from './notification-kinds';

export interface NewNotification {
  kind: NotificationKind;
  /** Once per key: a job that runs twice tells the member once. */
  dedupeKey: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
}

/**
 * What a member is told. Written in the same transaction as the change it reports (an
 * outbox), so a notice exists exactly when its cause committed; the mini-program reads it.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async notify(ctx: RequestContext, memberId: string, notice: NewNotification): Promise<void> {
    await this.notifyMany(ctx, [{ memberId, ...notice }]);
  }

  async notifyMany(
    ctx: RequestContext,
    notices: readonly (NewNotification & { memberId: string })[],
  ): Promise<void> {
    if (notices.length === 0) return;
    await this.connection.query(
      ctx,
      `INSERT INTO notifications (member_id, kind, dedupe_key, title, body, data)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [
        notices.map((n) => n.memberId),
        notices.map((n) => n.kind),
        notices.map((n) => n.dedupeKey),
        notices.map((n) => n.title),
        notices.map((n) => n.body),
        notices.map((n) => JSON.stringify(n.data ?? {})),
      ],
    );
  }

  async list(ctx: RequestContext, memberId: string, page: PageQuery): Promise<NotificationPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<{
      id: string;
      kind: NotificationKind;
      title: string;
      body: string;
      data: Record<string, unknown>;
      read_at: Date | null;
      created_at: Date;
      cursor_at: string;
    }>(
      ctx,
      `SELECT id, kind, title, body, data, read_at, created_at, created_at::text AS cursor_at FROM notifications
       WHERE member_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [memberId, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        kind: r.kind,
        title: r.title,
        body: r.body,
        data: r.data,
        read: r.read_at !== null,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor,
    };
  }

  async unread(ctx: RequestContext, memberId: string): Promise<UnreadCount> {
    const [{ unread }] = await this.connection.query<UnreadCount>(
      ctx,
      `SELECT COUNT(*)::int AS unread FROM notifications WHERE member_id = $1 AND read_at IS NULL`,
      [memberId],
    );
    return { unread };
  }

  /** Marks those of the member's notices read that are not yet; answers what is left unread. */
  async markRead(ctx: RequestContext, memberId: string, ids: string[]): Promise<UnreadCount> {
    await this.connection.query(
      ctx,
      `UPDATE notifications SET read_at = $3
       WHERE member_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL`,
      [memberId, ids, this.clock.now()],
    );
    return this.unread(ctx, memberId);
  }

  /**
   * Marks read every unread notice of the member up to one they have seen, in the inbox's
   * order (created_at, id): a notice that arrived since stays unread. A notice not theirs
   * changes nothing.
   */
  async markAllRead(ctx: RequestContext, memberId: string, upTo: string): Promise<UnreadCount> {
    await this.connection.query(
      ctx,
      `UPDATE notifications n SET read_at = $3
       FROM notifications seen
       WHERE seen.id = $2 AND seen.member_id = $1
         AND n.member_id = $1 AND n.read_at IS NULL AND (n.created_at, n.id) <= (seen.created_at, seen.id)`,
      [memberId, upTo, this.clock.now()],
    );
    return this.unread(ctx, memberId);
  }
}
