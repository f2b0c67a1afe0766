import { Injectable } from '@nestjs/common';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';

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
}
