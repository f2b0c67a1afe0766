import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { MEMBER_TIERS, MemberTier } from '@linli/shared';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SearchText } from '../../../common/text-fields';
import { OrderView } from '../../group-buy/dto/order.dto';
import { PointsEntry, PointsWallet } from '../../points/dto/points-wallet.dto';
import { TierChange } from '../../tiers/dto/member-card.dto';
import { MeResponse } from './me.dto';

export class MemberSearchQuery extends PageQuery {
  @SearchText('Part of the nickname (any case), the whole invite code, or the whole member id')
  q?: string;

  @ApiPropertyOptional({ enum: MEMBER_TIERS, enumName: 'MemberTier' })
  @IsOptional()
  @IsIn(MEMBER_TIERS)
  tier?: MemberTier;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the members bound to this pickup point',
  })
  @IsOptional()
  @IsUUID('4')
  pickupPointId?: string;
}

export class MemberPickupPoint {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class AdminMemberSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) tier!: MemberTier;
  @ApiProperty({ type: MemberPickupPoint, nullable: true })
  pickupPoint!: MemberPickupPoint | null;
  @ApiProperty() inviteCode!: string;
  @ApiProperty({ description: 'Points spendable now' }) pointsAvailable!: number;
  @ApiProperty({ format: 'date-time' }) memberSince!: string;
  @ApiProperty({ format: 'date-time' }) lastLoginAt!: string;
}

export class AdminMemberPage {
  @ApiProperty({ type: AdminMemberSummary, isArray: true }) items!: AdminMemberSummary[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class MemberReference {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() nickname!: string;
}

export class ManualTierFloor {
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) tier!: MemberTier;
  @ApiProperty({ format: 'date-time', description: 'The floor holds until this instant' })
  until!: string;
}

/** A member's order as an operator sees it: without the pickup code, which is the member's to show. */
export class AdminMemberOrder extends OmitType(OrderView, ['pickupCode'] as const) {}

export class AdminMemberOrderPage {
  @ApiProperty({ type: AdminMemberOrder, isArray: true }) items!: AdminMemberOrder[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** Everything about one member an operator needs to answer them or adjust their account. */
export class AdminMemberView extends MeResponse {
  @ApiProperty({ format: 'date-time' }) lastLoginAt!: string;
  @ApiProperty({ type: MemberReference, nullable: true, description: 'Who invited them' })
  invitedBy!: MemberReference | null;
  @ApiProperty({ description: 'Growth in the last 12 months' }) growth!: number;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier', nullable: true })
  nextTier!: MemberTier | null;
  @ApiProperty({ description: 'Growth still needed for the next tier; 0 at the top' })
  growthToNext!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  tierReviewAt!: string | null;
  @ApiProperty({ type: ManualTierFloor, nullable: true, description: 'A floor set by an operator' })
  manualTier!: ManualTierFloor | null;
  @ApiProperty({ type: TierChange, isArray: true, description: 'Newest first, the last 20' })
  tierHistory!: TierChange[];
  @ApiProperty({ type: PointsWallet }) points!: PointsWallet;
  @ApiProperty({ type: PointsEntry, isArray: true, description: 'Newest first, the last 10' })
  recentPointEntries!: PointsEntry[];
  @ApiProperty({ description: 'Orders placed, in every state' }) orderCount!: number;
  @ApiProperty({ type: AdminMemberOrder, isArray: true, description: 'Newest first, the last 5' })
  recentOrders!: AdminMemberOrder[];
}
