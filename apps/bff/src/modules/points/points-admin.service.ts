import { randomUUID } from 'node:crypto';
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

  /**
   * An audited correction of a member's points, exactly once per Idempotency-Key (one sent
   * without a key is an adjustment of its own each time).
   */
  async adjust(
    ctx: RequestContext,
    memberId: string,
    request: PointsAdjustmentRequest,
  ): Promise<PointsAdjustmentResult> {
    // The ledger's own operation key keeps the adjustment exactly-once after the stored
    // Idempotency-Key response has been purged. The ledger answers 404 for a member who does
    // not exist, as it locks their account.
    const key = `${ctx.actor?.id}:${ctx.idempotencyKey ?? randomUUID()}`;
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
