import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  CancelRedemptionRequest,
  CreateRewardRequest,
  RedeemRequest,
  Redemption,
  RedemptionPage,
  RestockRequest,
  Reward,
  RewardPage,
  RewardShipment,
  ShopperRewardPage,
  UpdateRewardRequest,
} from './dto/reward.dto';
import { RewardPickupsService } from './reward-pickups.service';
import { RewardsService } from './rewards.service';

@ApiTags('rewards')
@ApiBearerAuth()
@Controller()
@Roles('shopper')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  /** 积分商城: the rewards on offer, cheapest first, with what the member has redeemed. */
  @Get('rewards')
  @ApiOkResponse({ type: ShopperRewardPage })
  list(@Ctx() ctx: RequestContext, @Query() page: PageQuery): Promise<ShopperRewardPage> {
    return this.rewards.forMember(ctx, ctx.memberId, page);
  }

  /** Redeems units of a reward for points, exactly once per Idempotency-Key. */
  @Post('me/redemptions')
  @Idempotent()
  @ApiCreatedResponse({ type: Redemption })
  @ApiConflictResponse({
    description:
      'POINTS_INSUFFICIENT, OUT_OF_STOCK, PURCHASE_LIMIT_EXCEEDED, or REWARD_NOT_ELIGIBLE (details.minTier)',
  })
  redeem(@Ctx() ctx: RequestContext, @Body() body: RedeemRequest): Promise<Redemption> {
    return this.rewards.redeem(ctx, ctx.memberId, body);
  }

  /** The member's redemptions, newest first, a page at a time. */
  @Get('me/redemptions')
  @ApiOkResponse({ type: RedemptionPage })
  redemptions(@Ctx() ctx: RequestContext, @Query() page: PageQuery): Promise<RedemptionPage> {
    return this.rewards.redemptions(ctx, ctx.memberId, page);
  }

  /** Takes back goods still on their way: the points and the units go back. */
  @Post('me/redemptions/:id/cancel')
  @HttpCode(200)
  @Idempotent()
  @ApiOkResponse({ type: Redemption })
  @ApiNotFoundResponse({ description: "NOT_FOUND: no such redemption, or another member's" })
  @ApiConflictResponse({
    description:
      'REDEMPTION_NOT_CANCELLABLE: the goods have arrived, been handed over or cancelled, or it gave a coupon (details.state)',
  })
  cancel(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) redemptionId: string,
  ): Promise<Redemption> {
    return this.rewards.cancelForMember(ctx, ctx.memberId, redemptionId);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/redemptions')
@Roles('admin')
export class RedemptionsAdminController {
  constructor(private readonly rewards: RewardsService) {}

  /** Cancels goods not yet handed over (lost on the way, say): the points and the units go back, and the member is told why. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Idempotent()
  @ApiOkResponse({ type: Redemption })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such redemption' })
  @ApiConflictResponse({
    description:
      'REDEMPTION_NOT_CANCELLABLE: handed over or cancelled already, or it gave a coupon (details.state)',
  })
  cancel(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) redemptionId: string,
    @Body() body: CancelRedemptionRequest,
  ): Promise<Redemption> {
    return this.rewards.cancelForOperator(ctx, redemptionId, body.reason);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/rewards')
@Roles('admin')
export class RewardsAdminController {
  constructor(
    private readonly rewards: RewardsService,
    private readonly pickups: RewardPickupsService,
  ) {}

  /** With an Idempotency-Key, an operator's retry gets the first answer, not a second one. */
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: Reward })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateRewardRequest): Promise<Reward> {
    return this.rewards.create(ctx, body);
  }

  /** What goods to send to which pickup point: units per reward and point, by how far they have got. */
  @Get('shipments')
  @ApiOkResponse({ type: RewardShipment, isArray: true })
  shipments(@Ctx() ctx: RequestContext): Promise<RewardShipment[]> {
    return this.pickups.shipments(ctx);
  }

  /** Every reward, withdrawn ones too, cheapest first. */
  @Get()
  @ApiOkResponse({ type: RewardPage })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<RewardPage> {
    return this.rewards.all(ctx, query);
  }

  /** Its name, description, price, per-member limit or lowest tier; `active: false` withdraws it. */
  @Patch(':id')
  @ApiOkResponse({ type: Reward })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such reward' })
  update(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) rewardId: string,
    @Body() body: UpdateRewardRequest,
  ): Promise<Reward> {
    return this.rewards.update(ctx, rewardId, body);
  }

  /** Exactly once per Idempotency-Key: a retried restock adds nothing more. */
  @Post(':id/restocks')
  @Idempotent({ required: true })
  @ApiCreatedResponse({ type: Reward })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such reward' })
  restock(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) rewardId: string,
    @Body() body: RestockRequest,
  ): Promise<Reward> {
    return this.rewards.restock(ctx, rewardId, body.quantity);
  }
}
