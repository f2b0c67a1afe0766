import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { MEMBER_TIERS, type MemberTier } from '@linli/shared';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOmittable } from '../../../common/omittable';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, Trimmed } from '../../../common/text-fields';
import { Coupon } from '../../coupons/dto/coupon.dto';

export const REWARD_KINDS = ['coupon', 'goods'] as const;
/** A coupon (a copy per unit, into 我的优惠券), or goods collected at the member's pickup point. */
export type RewardKind = (typeof REWARD_KINDS)[number];

/**
 * How far a goods redemption has got: on its way to the pickup point, arrived, handed over; or
 * cancelled before it was handed over.
 */
export const REWARD_PICKUP_STATES = [
  'awaiting_delivery',
  'ready_for_pickup',
  'picked_up',
  'cancelled',
] as const;
export type RewardPickupState = (typeof REWARD_PICKUP_STATES)[number];
/** Goods on their way or waiting at the point: those that hold their pickup code. */
export const OPEN_PICKUP_STATES: readonly RewardPickupState[] = [
  'awaiting_delivery',
  'ready_for_pickup',
];

export class CreateRewardRequest {
  @ApiProperty({ example: '5 元无门槛券' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(2, 40)
  name!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({ enum: REWARD_KINDS, enumName: 'RewardKind', default: 'coupon' })
  @IsOptional()
  @IsIn(REWARD_KINDS)
  kind?: RewardKind;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The coupon a redemption gives a copy of, per unit; for coupons only, and needed',
  })
  @IsOmittable()
  @IsUUID('4')
  couponId?: string;

  @ApiPropertyOptional({ description: 'A picture of the goods (or of the coupon)' })
  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(500)
  image?: string;

  @ApiProperty({ description: 'Points a unit costs', example: 500 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  pointsCost!: number;

  @ApiProperty({ description: 'Units on offer', example: 100 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  stock!: number;

  @ApiProperty({ description: 'Units one member may redeem in all', example: 2 })
  @IsInt()
  @Min(1)
  @Max(1_000)
  perMemberLimit!: number;

  @ApiPropertyOptional({ enum: MEMBER_TIERS, enumName: 'MemberTier', default: 'regular' })
  @IsOptional()
  @IsIn(MEMBER_TIERS)
  minTier?: MemberTier;
}

export class Reward {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() pointsCost!: number;
  @ApiProperty() stockLeft!: number;
  @ApiProperty() perMemberLimit!: number;
  @ApiProperty({
    enum: MEMBER_TIERS,
    enumName: 'MemberTier',
    description: 'The lowest tier it is for',
  })
  minTier!: MemberTier;
  @ApiProperty({ enum: REWARD_KINDS, enumName: 'RewardKind' }) kind!: RewardKind;
  @ApiProperty({
    type: Coupon,
    nullable: true,
    description: 'What a unit of a coupon reward gives; null for goods',
  })
  coupon!: Coupon | null;
  @ApiProperty({ type: String, nullable: true }) image!: string | null;
  @ApiProperty({ description: 'On offer; a withdrawn reward is not shown nor redeemed' })
  active!: boolean;
}

/**
 * What an operator may change of a reward; what it gives and its stock stay (stock grows by
 * restocks). A redemption under way when the change commits keeps the price it started with.
 */
export class UpdateRewardRequest extends PartialType(
  OmitType(CreateRewardRequest, ['kind', 'couponId', 'stock'] as const),
) {
  @ApiPropertyOptional({ description: 'false withdraws it from the mall; true offers it again' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class RestockRequest {
  @ApiProperty({ description: 'Units added to those left', example: 50 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  quantity!: number;
}

export class CancelRedemptionRequest {
  @ApiProperty({
    example: '物流丢件',
    description: 'Why the operator cancels it; kept in the audit log and told to the member',
  })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  reason!: string;
}

export class ShopperReward extends Reward {
  @ApiProperty({ description: 'Units the member has redeemed' }) yourQuantity!: number;
  @ApiProperty({ description: "Whether the member's tier reaches minTier" }) eligible!: boolean;
}

export class RedeemRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  rewardId!: string;

  @ApiProperty({ minimum: 1, maximum: 10, example: 1 })
  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;
}

/** Where and how the goods of a redemption are collected. */
export class RedemptionPickup {
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty({ enum: REWARD_PICKUP_STATES, enumName: 'RewardPickupState' })
  state!: RewardPickupState;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The 8-digit code the leader hands the goods over against; null once they have been, or were cancelled',
  })
  pickupCode!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readyAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) pickedUpAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Points given back by a cancellation; fewer than it cost when some came from lots that have expired since',
  })
  pointsReturned!: number | null;
}

export class Redemption {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) rewardId!: string;
  @ApiProperty() rewardName!: string;
  @ApiProperty({ enum: REWARD_KINDS, enumName: 'RewardKind' }) kind!: RewardKind;
  @ApiProperty() quantity!: number;
  @ApiProperty({ description: 'Points it cost' }) points!: number;
  @ApiProperty({
    type: RedemptionPickup,
    nullable: true,
    description: 'For goods: where to collect them, the code, and whether they have arrived',
  })
  pickup!: RedemptionPickup | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** A goods redemption as the leader of its pickup point sees it. */
export class RewardPickup {
  @ApiProperty({ format: 'uuid', description: 'The redemption' }) id!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty() rewardName!: string;
  @ApiProperty({ type: String, nullable: true }) image!: string | null;
  @ApiProperty() quantity!: number;
  @ApiProperty({ enum: REWARD_PICKUP_STATES, enumName: 'RewardPickupState' })
  state!: RewardPickupState;
  @ApiProperty({ description: 'Last 4 digits of the pickup code' }) codeHint!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readyAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) pickedUpAt!: string | null;
}

/** Units of one goods reward for one pickup point, by how far they have got: what to pack and send. */
export class RewardShipment {
  @ApiProperty({ format: 'uuid' }) rewardId!: string;
  @ApiProperty() rewardName!: string;
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty({ description: 'Units redeemed and not yet arrived' }) awaitingDelivery!: number;
  @ApiProperty({ description: 'Units arrived and waiting to be collected' })
  readyForPickup!: number;
  @ApiProperty({ description: 'Units handed over' }) pickedUp!: number;
}

export class RewardPickupPage {
  @ApiProperty({ type: RewardPickup, isArray: true }) items!: RewardPickup[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RewardPickupQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: REWARD_PICKUP_STATES,
    enumName: 'RewardPickupState',
    default: 'awaiting_delivery',
  })
  @IsOptional()
  @IsIn(REWARD_PICKUP_STATES)
  state?: RewardPickupState;
}

export class RewardPage {
  @ApiProperty({ type: Reward, isArray: true, description: 'Cheapest first' })
  items!: Reward[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ShopperRewardPage {
  @ApiProperty({ type: ShopperReward, isArray: true, description: 'Cheapest first' })
  items!: ShopperReward[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class RedemptionPage {
  @ApiProperty({ type: Redemption, isArray: true, description: 'Newest first' })
  items!: Redemption[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
