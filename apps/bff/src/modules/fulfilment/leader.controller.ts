import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import { CommissionLedger } from '../commission/commission-ledger.service';
import {
  CommissionOverview,
  Withdrawal,
  WithdrawalPage,
  WithdrawalRequest,
} from '../commission/dto/commission.dto';
import { DeliveriesService } from './deliveries.service';
import {
  BatchQuery,
  DeliveryBatch,
  DeliveryBatchPage,
  LeaderDashboard,
  PickListPage,
  PickListQuery,
  PickupOrderPage,
  PickupQuery,
  VerifyPickupRequest,
  VerifyPickupResponse,
} from './dto/fulfilment.dto';
import { RewardPickup, RewardPickupPage, RewardPickupQuery } from '../rewards/dto/reward.dto';
import { RewardPickupsService } from '../rewards/reward-pickups.service';
import { LeaderApplication, LeaderApplicationRequest } from './dto/leader.dto';
import { LeaderDashboardService } from './leader-dashboard.service';
import { LeadersService } from './leaders.service';
import { PickupsService } from './pickups.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/** The group leader's back office. Every route works on the caller's own pickup point only. */
@ApiTags('leader')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: the caller leads no pickup point' })
@Controller('leader')
@Roles('shopper')
export class LeaderController {
  constructor(
    private readonly leaders: LeadersService,
    private readonly dashboards: LeaderDashboardService,
    private readonly pickups: PickupsService,
    private readonly deliveries: DeliveriesService,
    private readonly commission: CommissionLedger,
    private readonly rewardPickups: RewardPickupsService,
  ) {}

  @Post('applications')
  @ApiCreatedResponse({ type: LeaderApplication })
  @ApiConflictResponse({
    description: 'LEADER_APPLICATION_PENDING, PICKUP_POINT_TAKEN, ALREADY_LEADER',
  })
  apply(
    @Ctx() ctx: RequestContext,
    @Body() body: LeaderApplicationRequest,
  ): Promise<LeaderApplication> {
    return this.leaders.apply(ctx, body);
  }

  @Get('applications')
  @ApiOkResponse({ type: LeaderApplication, isArray: true })
  myApplications(@Ctx() ctx: RequestContext): Promise<LeaderApplication[]> {
    return this.leaders.mine(ctx);
  }

  @Get('dashboard')
  @ApiOkResponse({ type: LeaderDashboard })
  async dashboard(@Ctx() ctx: RequestContext): Promise<LeaderDashboard> {
    return this.dashboards.get(ctx, await this.leaders.pointOf(ctx));
  }

  @Get('pickups')
  @ApiOkResponse({ type: PickupOrderPage, description: 'Oldest first' })
  async pickupList(
    @Ctx() ctx: RequestContext,
    @Query() query: PickupQuery,
  ): Promise<PickupOrderPage> {
    return this.pickups.list(
      ctx,
      await this.leaders.pointOf(ctx),
      query.state ?? 'ready_for_pickup',
      query,
    );
  }

  @Post('pickups/verify')
  @HttpCode(200)
  @Idempotent()
  @ApiOkResponse({ type: VerifyPickupResponse })
  @ApiBadRequestResponse({
    description: 'MEMBER_CODE_INVALID / MEMBER_CODE_EXPIRED: a member code forged, or too old',
  })
  @ApiNotFoundResponse({
    description:
      'PICKUP_CODE_INVALID: no open order or goods of this point has the code; NOTHING_TO_PICK_UP: the member has nothing ready here',
  })
  @ApiConflictResponse({ description: 'ORDER_NOT_READY: the goods have not arrived yet' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: too many wrong codes' })
  async verify(
    @Ctx() ctx: RequestContext,
    @Body() body: VerifyPickupRequest,
  ): Promise<VerifyPickupResponse> {
    return this.pickups.verify(ctx, await this.leaders.pointOf(ctx), body);
  }

  /** 分拣单, newest batch first, a page at a time. */
  @Get('pick-lists')
  @ApiOkResponse({ type: PickListPage })
  async pickLists(
    @Ctx() ctx: RequestContext,
    @Query() query: PickListQuery,
  ): Promise<PickListPage> {
    return this.deliveries.pickLists(ctx, await this.leaders.pointOf(ctx), query);
  }

  @Get('deliveries')
  @ApiOkResponse({ type: DeliveryBatchPage, description: 'Newest first' })
  async deliveryList(
    @Ctx() ctx: RequestContext,
    @Query() query: BatchQuery,
  ): Promise<DeliveryBatchPage> {
    const pickupPointId = await this.leaders.pointOf(ctx);
    return this.deliveries.list(ctx, { pickupPointId, state: query.state }, query);
  }

  @Post('deliveries/:id/receive')
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryBatch })
  @ApiConflictResponse({
    description:
      'DELIVERY_STATE_INVALID: its pick list is not final yet (a paid order still unsettled at the cut-off); a batch not marked dispatched is dispatched by its receipt',
  })
  async receive(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<DeliveryBatch> {
    return this.deliveries.receive(ctx, await this.leaders.pointOf(ctx), id);
  }

  /** Goods from the rewards mall for the point's members: on their way, arrived, handed over. */
  @Get('reward-pickups')
  @ApiOkResponse({ type: RewardPickupPage, description: 'Oldest first' })
  async rewardPickupList(
    @Ctx() ctx: RequestContext,
    @Query() query: RewardPickupQuery,
  ): Promise<RewardPickupPage> {
    return this.rewardPickups.list(
      ctx,
      await this.leaders.pointOf(ctx),
      query.state ?? 'awaiting_delivery',
      query,
    );
  }

  /** The goods have arrived: the member is told to come for them. Again, it changes nothing. */
  @Post('reward-pickups/:id/arrive')
  @HttpCode(200)
  @ApiOkResponse({ type: RewardPickup })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such redemption at this pickup point' })
  async rewardArrived(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
  ): Promise<RewardPickup> {
    return this.rewardPickups.arrive(ctx, await this.leaders.pointOf(ctx), id);
  }

  @Get('commissions')
  @ApiOkResponse({ type: CommissionOverview })
  async commissions(
    @Ctx() ctx: RequestContext,
    @Query() page: PageQuery,
  ): Promise<CommissionOverview> {
    const pickupPointId = await this.leaders.pointOf(ctx);
    return {
      totals: await this.commission.totals(ctx, pickupPointId),
      entries: await this.commission.entries(ctx, pickupPointId, page),
    };
  }

  @Post('withdrawals')
  @Idempotent()
  @ApiCreatedResponse({ type: Withdrawal })
  @ApiConflictResponse({ description: 'COMMISSION_INSUFFICIENT' })
  async withdraw(@Ctx() ctx: RequestContext, @Body() body: WithdrawalRequest): Promise<Withdrawal> {
    const pickupPointId = await this.leaders.pointOf(ctx);
    return this.commission.requestWithdrawal(ctx, pickupPointId, ctx.memberId, body.amount);
  }

  @Get('withdrawals')
  @ApiOkResponse({ type: WithdrawalPage, description: 'Newest first' })
  async withdrawals(@Ctx() ctx: RequestContext, @Query() page: PageQuery): Promise<WithdrawalPage> {
    const pickupPointId = await this.leaders.pointOf(ctx);
    return this.commission.withdrawals(ctx, { pickupPointId }, page, 'newest-first');
  }
}
