import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { MEMBER_TIERS, type MemberTier } from '@linli/shared';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Coupon } from '../../coupons/dto/coupon.dto';

export class CreateRewardRequest {
  @ApiProperty({ example: '5 元无门槛券' })
  @IsString()
  @Length(2, 40)
  name!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiProperty({ format: 'uuid', description: 'The coupon a redemption gives a copy of, per unit' })
  @IsUUID('4')
  couponId!: string;

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
  @ApiProperty({ type: Coupon, description: 'What a unit gives' }) coupon!: Coupon;
  @ApiProperty({ description: 'On offer; a withdrawn reward is not shown nor redeemed' })
  active!: boolean;
}

/**
 * What an operator may change of a reward; what it gives and its stock stay (stock grows by
 * restocks). A redemption under way when the change commits keeps the price it started with.
 */
export class UpdateRewardRequest extends PartialType(
  OmitType(CreateRewardRequest, ['couponId', 'stock'] as const),
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

export class Redemption {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) rewardId!: string;
  @ApiProperty() rewardName!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ description: 'Points it cost' }) points!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
