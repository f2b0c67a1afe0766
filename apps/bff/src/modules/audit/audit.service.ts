import { Injectable } from '@nestjs/common';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditEntry, AuditLogPage, AuditLogQuery } from './dto/audit-log.dto';

/** Who changed what: written in the same transaction as the change it describes. */
@Injectable()
export class AuditService {
  constructor(private readonly connection: TransactionalConnection) {}

  async record(
    ctx: RequestContext,
    action: string,
    target: { type: string; id: string },
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.connection.query(
      ctx,
      `INSERT INTO audit_log (actor_kind, actor_id, action, target_type, target_id, details)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        ctx.actor?.kind ?? 'system',
        ctx.actor?.id ?? ctx.requestId,
        action,
        target.type,
        target.id,
        JSON.stringify(details),
      ],
    );
  }

  /** The log, newest first, of one target, one kind of target or one action where asked. */
  async list(ctx: RequestContext, query: AuditLogQuery): Promise<AuditLogPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<{
      id: string;
      actor_kind: AuditEntry['actor']['kind'];
      actor_id: string;
      action: string;
      target_type: string;
      target_id: string;
      details: Record<string, unknown>;
      created_at: Date;
      cursor_at: string;
    }>(
      ctx,
      `SELECT *, created_at::text AS cursor_at FROM audit_log
       WHERE ($1::text IS NULL OR target_type = $1) AND ($2::text IS NULL OR target_id = $2)
         AND ($3::text IS NULL OR action = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [
        query.targetType ?? null,
        query.targetId ?? null,
        query.action ?? null,
        after?.at ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        actor: { kind: r.actor_kind, id: r.actor_id },
        action: r.action,
        target: { type: r.target_type, id: r.target_id },
        details: r.details,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor,
    };
  }
}
