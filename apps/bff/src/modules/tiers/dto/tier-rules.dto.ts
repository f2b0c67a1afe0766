import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MEMBER_TIERS, MemberTier } from '@linli/shared';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

export class TierRuleDto {
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' })
  @IsIn(MEMBER_TIERS)
  code!: MemberTier;
  @ApiProperty({ example: '银卡会员' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(1, 20)
  name!: string;
  @ApiProperty({ description: 'Rolling 12-month growth that reaches the tier' })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  threshold!: number;
  @ApiProperty({ description: 'Rolling 12-month growth needed at the anniversary to keep it' })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  retentionThreshold!: number;
  @ApiProperty({ description: 'Price paid in basis points of the list price: 9800 = 98%' })
  @IsInt()
  @Min(5_000)
  @Max(10_000)
  discountBps!: number;
  @ApiProperty({ description: 'Points multiplier in percent: 120 = x1.2' })
  @IsInt()
  @Min(100)
  @Max(1_000)
  pointsMultiplierPct!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(100_000) birthdayGiftPoints!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(100_000) entryGiftPoints!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(20) monthlyCoupons!: number;
  @ApiProperty() @IsBoolean() exclusiveCampaigns!: boolean;
}

export class TierRulesRequest {
  @ApiProperty({ type: TierRuleDto, isArray: true })
  @ValidateNested({ each: true })
  @Type(() => TierRuleDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MEMBER_TIERS.length)
  tiers!: TierRuleDto[];
}

export class CreateTierRulesRequest {
  @ApiPropertyOptional({
    type: TierRuleDto,
    isArray: true,
    description: 'Omit to copy the rules in force',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => TierRuleDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MEMBER_TIERS.length)
  tiers?: TierRuleDto[];
}

export class TierRulesVersion {
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status!: 'draft' | 'published';
  @ApiProperty({ type: TierRuleDto, isArray: true }) tiers!: TierRuleDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) publishedAt!: string | null;
}

export class TierRulesVersionPage {
  @ApiProperty({ type: TierRulesVersion, isArray: true, description: 'Latest version first' })
  items!: TierRulesVersion[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TierMovement {
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) from!: MemberTier;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) to!: MemberTier;
  @ApiProperty() members!: number;
}

export class TierSimulation {
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'Members evaluated' }) members!: number;
  @ApiProperty({ description: 'Members whose tier would change' }) moving!: number;
  @ApiProperty({
    type: TierMovement,
    isArray: true,
    description: 'Every (from, to) pair with at least one member, unchanged pairs included',
  })
  movements!: TierMovement[];
  @ApiProperty({ format: 'date-time' }) evaluatedAt!: string;
}
