import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  PointsAdjustmentRequest,
  PointsAdjustmentResult,
  ReconciliationReport,
  ReconciliationRun,
} from './dto/points-admin.dto';
import { PointsPolicy, UpdatePointsPolicyRequest } from './dto/points-policy.dto';
import { PointsAdminService } from './points-admin.service';
import { PointsPolicyService } from './points-policy.service';
import { PointsReconciliationService } from './points-reconciliation.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
export class PointsAdminController {
  constructor(
    private readonly policies: PointsPolicyService,
    private readonly admin: PointsAdminService,
    private readonly reconciliation: PointsReconciliationService,
  ) {}

  @Get('points-policy')
  @ApiOkResponse({ type: PointsPolicy })
  getPolicy(@Ctx() ctx: RequestContext): Promise<PointsPolicy> {
    return this.policies.get(ctx);
  }

  @Put('points-policy')
  @ApiOkResponse({ type: PointsPolicy })
  @ApiConflictResponse({
    description:
      'CAMPAIGN_INVALID: member-day group-buys on sale would have no member day left before their cut-off (details.campaigns)',
  })
  updatePolicy(
    @Ctx() ctx: RequestContext,
    @Body() body: UpdatePointsPolicyRequest,
  ): Promise<PointsPolicy> {
    return this.policies.update(ctx, body);
  }

  @Post('members/:id/points-adjustments')
  @Idempotent()
  @ApiCreatedResponse({ type: PointsAdjustmentResult })
  @ApiConflictResponse({ description: 'POINTS_INSUFFICIENT: a debit would go below zero' })
  adjust(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) memberId: string,
    @Body() body: PointsAdjustmentRequest,
  ): Promise<PointsAdjustmentResult> {
    return this.admin.adjust(ctx, memberId, body);
  }

  /** Every account in one statement: for a ledger small enough to check while one waits. */
  @Get('points/reconciliation')
  @ApiOkResponse({ type: ReconciliationReport })
  @ApiServiceUnavailableResponse({
    description:
      'SERVICE_UNAVAILABLE: the ledger is too large to check within the statement timeout; points/reconciliations/latest has the nightly check',
  })
  reconcile(@Ctx() ctx: RequestContext): Promise<ReconciliationReport> {
    return this.reconciliation.run(ctx);
  }

  /**
   * The nightly check (job `reconcile-points`), slice by slice over every account: the run in
   * progress, with how far it has got, or else the last to finish. For a ledger too large to
   * check in one request.
   */
  @Get('points/reconciliations/latest')
  @ApiOkResponse({ type: ReconciliationRun })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no reconciliation has run yet' })
  latestReconciliation(@Ctx() ctx: RequestContext): Promise<ReconciliationRun> {
    return this.reconciliation.latest(ctx);
  }
}
