import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { IsDay } from '../../../common/date-fields';
import { SaysSomething, Trimmed } from '../../../common/text-fields';
import { MEMBER_TIERS, MemberTier } from '@linli/shared';
import { TierRuleDto } from './tier-rules.dto';

export class TierChange {
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) from!: MemberTier;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) to!: MemberTier;
  @ApiProperty({ enum: ['upgrade', 'retention', 'manual'] }) reason!:
    | 'upgrade'
    | 'retention'
    | 'manual';
  @ApiProperty() ruleVersion!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class MemberCard {
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) tier!: MemberTier;
  @ApiProperty({ description: 'Growth in the last 12 months' }) growth!: number;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier', nullable: true })
  nextTier!: MemberTier | null;
  @ApiProperty({ description: 'Growth still needed for the next tier; 0 at the top' })
  growthToNext!: number;
  @ApiProperty({ type: TierRuleDto, description: "The member's tier and its benefits" })
  benefits!: TierRuleDto;
  @ApiProperty({
    type: TierRuleDto,
    isArray: true,
    description: 'Every tier, for the benefits table',
  })
  tiers!: TierRuleDto[];
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the tier is next reviewed for retention',
  })
  tierReviewAt!: string | null;
  @ApiProperty({ type: TierChange, isArray: true }) history!: TierChange[];
  @ApiProperty({
    description: 'Signed, rotates every 60 s; shown as a QR code for the leader to scan',
  })
  memberCode!: string;
  @ApiProperty({
    format: 'date-time',
    description: "When the member code rotates, by the BFF's clock",
  })
  memberCodeExpiresAt!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 60,
    description:
      "Seconds the member code stays valid from this answer, by the BFF's clock (rounded up). " +
      'Clients count these down from the arrival of the answer to know when to fetch the next ' +
      "code, rather than comparing memberCodeExpiresAt with the phone's own clock, which may be off",
  })
  memberCodeSecondsLeft!: number;
}

export class ManualTierRequest {
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' })
  @IsIn(MEMBER_TIERS)
  tier!: MemberTier;

  @ApiProperty({
    example: '2027-06-30',
    description: 'Last business day (Asia/Shanghai) the tier is a floor',
  })
  @IsDay()
  until!: string;

  @ApiProperty({ example: '社区合伙人' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(2, 200)
  reason!: string;
}
