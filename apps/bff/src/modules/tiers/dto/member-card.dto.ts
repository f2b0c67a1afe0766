import { ApiProperty } from '@nestjs/swagger';
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
  @ApiProperty({ format: 'date-time', description: 'When the tier is next reviewed for retention' })
  tierReviewAt!: string;
  @ApiProperty({ type: TierChange, isArray: true }) history!: TierChange[];
  @ApiProperty({
    description: 'Signed, rotates every 60 s; shown as a QR code for the leader to scan',
  })
  memberCode!: string;
  @ApiProperty({ format: 'date-time' }) memberCodeExpiresAt!: string;
}
