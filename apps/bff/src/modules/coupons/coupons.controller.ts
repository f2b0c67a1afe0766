import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
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
import { Ctx, RequestContext } from '../../common/request-context';
import { CouponsService } from './coupons.service';
import { PageQuery } from '../../common/pagination';
import {
  AdminCouponPage,
  Coupon,
  CreateCouponRequest,
  IssueCouponRequest,
  IssueCouponResult,
  MemberCouponPage,
  MemberCouponQuery,
  MonthParam,
  SetTierMonthlyCouponRequest,
  TierMonthlyCoupon,
  TierMonthlyCouponPage,
  UpdateCouponRequest,
  WithdrawCouponRequest,
} from './dto/coupon.dto';
import { TierMonthlyCouponsService } from './tier-monthly-coupons.service';

@ApiTags('coupons')
@ApiBearerAuth()
@Controller('me/coupons')
@Roles('shopper')
export class MemberCouponsController {
  constructor(private readonly coupons: CouponsService) {}

  /** The member's coupons, newest first, a page at a time; `state` keeps those usable, used or expired. */
  @Get()
  @ApiOkResponse({ type: MemberCouponPage })
  list(@Ctx() ctx: RequestContext, @Query() query: MemberCouponQuery): Promise<MemberCouponPage> {
    return this.coupons.list(ctx, ctx.memberId, query);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/coupons')
@Roles('admin')
export class CouponsAdminController {
  constructor(private readonly coupons: CouponsService) {}

  /** With an Idempotency-Key, an operator's retry gets the first answer, not a second one. */
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: Coupon })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateCouponRequest): Promise<Coupon> {
    return this.coupons.create(ctx, body);
  }

  @Get()
  @ApiOkResponse({ type: AdminCouponPage })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<AdminCouponPage> {
    return this.coupons.page(ctx, query);
  }

  /** Gives members a copy each; exactly once per member and Idempotency-Key. */
  @Post(':id/issue')
  @Idempotent({ required: true })
  @ApiCreatedResponse({ type: IssueCouponResult })
  @ApiNotFoundResponse({ description: 'COUPON_NOT_FOUND, or NOT_FOUND for unknown members' })
  @ApiConflictResponse({ description: 'COUPON_NOT_USABLE (details.reason withdrawn)' })
  issue(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) couponId: string,
    @Body() body: IssueCouponRequest,
  ): Promise<IssueCouponResult> {
    if (!ctx.idempotencyKey) throw new Error('issuing needs the Idempotency-Key');
    return this.coupons.issue(
      ctx,
      couponId,
      body.memberIds,
      `admin:${couponId}:${ctx.idempotencyKey}`,
    );
  }

  /** Its name, or a later end; audited. */
  @Patch(':id')
  @ApiOkResponse({ type: Coupon })
  @ApiNotFoundResponse({ description: 'COUPON_NOT_FOUND' })
  @ApiConflictResponse({ description: 'COUPON_NOT_USABLE (details.reason withdrawn)' })
  update(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) couponId: string,
    @Body() body: UpdateCouponRequest,
  ): Promise<Coupon> {
    return this.coupons.update(ctx, couponId, body);
  }

  /**
   * Withdraws a coupon: no more copies, the rewards giving it withdrawn, and unused copies
   * expired now; copies on orders stay. Audited; withdrawing it again changes nothing.
   */
  @Post(':id/withdraw')
  @HttpCode(200)
  @Idempotent()
  @ApiOkResponse({ type: Coupon })
  @ApiNotFoundResponse({ description: 'COUPON_NOT_FOUND' })
  withdraw(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) couponId: string,
    @Body() body: WithdrawCouponRequest,
  ): Promise<Coupon> {
    return this.coupons.withdraw(ctx, couponId, body.reason);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/tier-monthly-coupons')
@Roles('admin')
export class TierMonthlyCouponsAdminController {
  constructor(private readonly monthly: TierMonthlyCouponsService) {}

  /** The months' coupons, latest first, a page at a time, with the copies given so far. */
  @Get()
  @ApiOkResponse({ type: TierMonthlyCouponPage })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<TierMonthlyCouponPage> {
    return this.monthly.list(ctx, query);
  }

  /**
   * Sets a month's coupon (this month or a later one; audited): each member gets as many
   * copies as their tier's monthlyCoupons. Copies given before a change stay.
   */
  @Put(':month')
  @ApiOkResponse({ type: TierMonthlyCoupon })
  @ApiNotFoundResponse({ description: 'COUPON_NOT_FOUND' })
  set(
    @Ctx() ctx: RequestContext,
    @Param() { month }: MonthParam,
    @Body() body: SetTierMonthlyCouponRequest,
  ): Promise<TierMonthlyCoupon> {
    return this.monthly.set(ctx, month, body.couponId);
  }
}
