import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';
import { idempotencyKeyReused } from '../../common/idempotency/idempotency.interceptor';
import { RequestContext } from '../../common/request-context';
import { AuditService } from '../audit/audit.service';
import { PointsAdjustmentRequest, PointsAdjustmentResult } from './dto/points-admin.dto';
import { PointsLedger } from './points-ledger.service';
import { PointsWalletService } from './points-wallet.service';

@Injectable()
export class PointsAdminService {
  constructor(
    private readonly ledger: PointsLedger,
    private readonly wallet: PointsWalletService,
    private readonly audit: AuditService,
  ) {}

  /** An audited, exactly-once correction of a member's points (the route requires an Idempotency-Key). */
  async adjust(
    ctx: RequestContext,
    memberId: string,
    request: PointsAdjustmentRequest,
  ): Promise<PointsAdjustmentResult> {
    if (!ctx.idempotencyKey) throw new Error('points adjustments need the Idempotency-Key');
    // The ledger's own operation key keeps the adjustment exactly-once after the stored
    // Idempotency-Key response has been purged. The ledger answers 404 for a member who does
    // not exist, as it locks their account.
    const key = `${ctx.actor?.id}:${ctx.idempotencyKey}`;
    const result = await this.ledger
      .adjust(ctx, memberId, request.points, request.reason, key)
      .catch((error: unknown) => {
        if (error instanceof AppException && error.code === ErrorCode.PointsOperationConflict)
          throw idempotencyKeyReused();
        throw error;
      });
    if (!result.replayed) {
      await this.audit.record(
        ctx,
        'points.adjust',
        { type: 'member', id: memberId },
        {
          points: request.points,
          reason: request.reason,
          entryId: result.entryId,
        },
      );
    }
    return {
      entryId: result.entryId,
      points: request.points,
      available: await this.wallet.available(ctx, memberId),
    };
  }
}
