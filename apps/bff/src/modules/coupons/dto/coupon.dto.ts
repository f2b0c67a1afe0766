import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { IsInstant, IsMonth } from '../../../common/date-fields';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

export const COUPON_KINDS = ['fixed', 'percent'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];

export class CreateCouponRequest {
  @ApiProperty({ example: '满 30 减 5' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(2, 40)
  name!: string;

  @ApiProperty({ enum: COUPON_KINDS, description: 'fixed: fen off; percent: a share off' })
  @IsIn(COUPON_KINDS)
  kind!: CouponKind;

  @ApiPropertyOptional({ description: 'fixed coupons: fen off', example: 500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  amountFen?: number;

  @ApiPropertyOptional({
    description: 'percent coupons: basis points off (1000 = 10% off), at most 9000',
    example: 1000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9000)
  percentOffBps?: number;

  @ApiProperty({ description: 'Fen the group-buys it applies to must come to', example: 3000 })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  minSpendFen!: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'The group-buys it applies to; left out, all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('4', { each: true })
  campaignIds?: string[];

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  validFrom!: string;

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  validUntil!: string;
}

export class UpdateCouponRequest {
  @ApiPropertyOptional({ example: '满 30 减 5（周末加码）' })
  @IsOptional()
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(2, 40)
  name?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'A later end: copies members hold are valid longer (to end it sooner, withdraw it)',
  })
  @IsOptional()
  @IsInstant()
  validUntil?: string;
}

export class Coupon {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: COUPON_KINDS }) kind!: CouponKind;
  @ApiProperty({ description: 'fixed coupons: fen off; 0 for percent ones' }) amountFen!: number;
  @ApiProperty({ description: 'percent coupons: basis points off; 0 for fixed ones' })
  percentOffBps!: number;
  @ApiProperty() minSpendFen!: number;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every group-buy' })
  campaignIds!: string[] | null;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'For a withdrawn coupon, when it was withdrawn (or validFrom, if before that)',
  })
  validUntil!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When an operator withdrew it: no copies are given since, and unused ones expired',
  })
  withdrawnAt!: string | null;
}

export class AdminCoupon extends Coupon {
  @ApiProperty({ description: 'Copies given to members' }) issued!: number;
  @ApiProperty({ description: 'Copies on an order' }) used!: number;
}

export class AdminCouponPage {
  @ApiProperty({ type: AdminCoupon, isArray: true, description: 'Newest first' })
  items!: AdminCoupon[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class IssueCouponRequest {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('4', { each: true })
  memberIds!: string[];
}

export class IssueCouponResult {
  @ApiProperty({
    description: 'Members given a copy by this request (not by an earlier one with its key)',
  })
  issued!: number;
}

export const MEMBER_COUPON_STATES = ['available', 'used', 'expired'] as const;
export type MemberCouponState = (typeof MEMBER_COUPON_STATES)[number];

export class MemberCouponQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MEMBER_COUPON_STATES })
  @IsOptional()
  @IsIn(MEMBER_COUPON_STATES)
  state?: MemberCouponState;
}

/** A member's copy of a coupon; its id is what an order's couponId names. */
export class MemberCoupon extends Coupon {
  @ApiProperty({ format: 'uuid' }) couponId!: string;
  @ApiProperty({
    enum: MEMBER_COUPON_STATES,
    description: 'available: usable from validFrom until validUntil; used: by orderId',
  })
  state!: MemberCouponState;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) orderId!: string | null;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
}

export class MemberCouponPage {
  @ApiProperty({ type: MemberCoupon, isArray: true, description: 'Newest first' })
  items!: MemberCoupon[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WithdrawCouponRequest {
  @ApiProperty({ example: '面额设置错误', description: 'Why; kept in the audit log' })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  reason!: string;
}

export class SetTierMonthlyCouponRequest {
  @ApiProperty({
    format: 'uuid',
    description: 'The coupon each member gets as many copies of as their tier’s monthlyCoupons',
  })
  @IsUUID('4')
  couponId!: string;
}

export class TierMonthlyCoupon {
  @ApiProperty({ example: '2026-12' }) month!: string;
  @ApiProperty({ type: Coupon }) coupon!: Coupon;
  @ApiProperty({ format: 'date-time' }) setAt!: string;
  @ApiProperty({ description: 'Copies given for the month so far' }) issued!: number;
}

export class TierMonthlyCouponPage {
  @ApiProperty({ type: TierMonthlyCoupon, isArray: true, description: 'Latest month first' })
  items!: TierMonthlyCoupon[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class MonthParam {
  @ApiProperty({ example: '2026-12', description: 'YYYY-MM' })
  @IsMonth()
  month!: string;
}
