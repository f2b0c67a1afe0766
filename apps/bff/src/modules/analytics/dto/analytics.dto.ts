import { LIFECYCLE_STAGES, RFM_SEGMENTS } from '@linli/domain';
import type { LifecycleStage, RfmSegment } from '@linli/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsDay } from '../../../common/date-fields';

/**
 * A purchase, in every report: an order paid for and not cancelled or refunded whole, on the
 * Shanghai day it was paid, for what was paid less what was refunded.
 */
export class PeriodQuery {
  @ApiPropertyOptional({ description: 'First day, YYYY-MM-DD; 29 days before `to` when left out' })
  @IsOptional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ description: 'Last day, included; today when left out' })
  @IsOptional()
  @IsDay()
  to?: string;
}

export class Period {
  @ApiProperty({ example: '2026-10-28' }) from!: string;
  @ApiProperty({ example: '2026-11-26' }) to!: string;
}

export class TierCount {
  @ApiProperty({ example: 'silver' }) tier!: string;
  @ApiProperty() members!: number;
}

export class TierMovement {
  @ApiProperty({ example: 'regular' }) from!: string;
  @ApiProperty({ example: 'silver' }) to!: string;
  @ApiProperty() members!: number;
}

export class PointsFlow {
  @ApiProperty({ description: 'Earned and credited by adjustments' }) issued!: number;
  @ApiProperty({ description: 'Taken back from cancelled and refunded orders, and debited' })
  clawedBack!: number;
  @ApiProperty({ description: 'Spent, less what cancelled orders gave back' }) redeemed!: number;
  @ApiProperty() expired!: number;
}

export class AnalyticsOverview {
  @ApiProperty({ type: Period }) period!: Period;
  @ApiProperty({ description: 'Members who had joined by the end of the period' })
  members!: number;
  @ApiProperty({ description: 'Members who joined in the period' }) newMembers!: number;
  @ApiProperty({ description: 'Members who bought in the period' }) activeMembers!: number;
  @ApiProperty({ description: 'Fen paid for purchases in the period, less refunds' })
  gmvFen!: number;
  @ApiProperty({ description: 'Purchases (orders) in the period' }) orders!: number;
  @ApiProperty({
    description: 'Share of the period’s buyers who bought on two days or more in it, 0-1',
  })
  repurchaseRate!: number;
  @ApiProperty({ type: PointsFlow, description: 'Points moved in the period' })
  points!: PointsFlow;
  @ApiProperty({ description: 'Points members hold now, available and pending' })
  outstandingPoints!: number;
  @ApiProperty({ description: 'What those points are worth at checkout now, in fen' })
  liabilityFen!: number;
  @ApiProperty({ type: TierCount, isArray: true, description: 'Members by tier now' })
  tiers!: TierCount[];
  @ApiProperty({ type: TierMovement, isArray: true, description: 'Tier changes in the period' })
  tierMovements!: TierMovement[];
}

/** How many members a report lists, when it lists them. */
class ListedQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

export class RfmQuery extends ListedQuery {
  @ApiPropertyOptional({ enum: RFM_SEGMENTS, description: 'Lists this segment’s members' })
  @IsOptional()
  @IsIn(RFM_SEGMENTS)
  segment?: RfmSegment;
}

export class RfmSegmentSummary {
  @ApiProperty({ enum: RFM_SEGMENTS }) segment!: RfmSegment;
  @ApiProperty() members!: number;
  @ApiProperty({ description: 'Share of buyers, 0-1' }) share!: number;
  @ApiProperty({ description: 'Mean days since the last purchase' }) recencyDays!: number;
  @ApiProperty({ description: 'Mean purchase days' }) frequency!: number;
  @ApiProperty({ description: 'Mean fen spent' }) monetaryFen!: number;
}

export class RfmMember {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty() recencyDays!: number;
  @ApiProperty() frequency!: number;
  @ApiProperty() monetaryFen!: number;
  @ApiProperty({ description: '1-5, 5 the most recent' }) recencyScore!: number;
  @ApiProperty({ description: '1-5, 5 the most purchase days' }) frequencyScore!: number;
  @ApiProperty({ description: '1-5, 5 the most spent' }) monetaryScore!: number;
}

export class RfmReport {
  @ApiProperty({ example: '2026-11-26' }) asOf!: string;
  @ApiProperty({ description: 'Members who have ever bought' }) buyers!: number;
  @ApiProperty({
    type: RfmSegmentSummary,
    isArray: true,
    description:
      'Scores are quintiles among buyers (members tied share the lower score); every segment, in a fixed order',
  })
  segments!: RfmSegmentSummary[];
  @ApiPropertyOptional({
    type: RfmMember,
    isArray: true,
    description: 'With `segment`: its members who spent most first, at most `limit`',
  })
  members?: RfmMember[];
}

export class CohortQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 24,
    default: 12,
    description: 'Months back, this one included',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24)
  months = 12;
}

export class CohortMonth {
  @ApiProperty({ description: 'Months after joining; 0 is the month they joined' }) offset!: number;
  @ApiProperty({ description: 'Members of the cohort who bought in that month' }) buyers!: number;
  @ApiProperty({ description: 'buyers / cohort size, 0-1' }) rate!: number;
}

export class Cohort {
  @ApiProperty({ example: '2026-09' }) month!: string;
  @ApiProperty({ description: 'Members who joined that month' }) members!: number;
  @ApiProperty({ type: CohortMonth, isArray: true, description: 'Every month from joining to now' })
  retention!: CohortMonth[];
}

export class CohortReport {
  @ApiProperty({ type: Cohort, isArray: true, description: 'Oldest first' }) cohorts!: Cohort[];
}

export class LeaderPerformance {
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty({ nullable: true, type: String }) leaderNickname!: string | null;
  @ApiProperty() gmvFen!: number;
  @ApiProperty({ description: 'Purchases paid in the period' }) orders!: number;
  @ApiProperty({ description: 'Orders ready in the period' }) readyOrders!: number;
  @ApiProperty({ description: 'Of those, picked up by now' }) pickedUpOrders!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'pickedUp / ready, 0-1' })
  pickupRate!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Median hours from ready to picked up, of those picked up',
  })
  medianPickupDelayHours!: number | null;
  @ApiProperty({ nullable: true, type: Number }) averagePickupDelayHours!: number | null;
}

export class LeadersReport {
  @ApiProperty({ type: Period }) period!: Period;
  @ApiProperty({
    type: LeaderPerformance,
    isArray: true,
    description: 'Every pickup point with a leader or with orders, the most GMV first',
  })
  pickupPoints!: LeaderPerformance[];
}

export class ExpiryMonth {
  @ApiProperty({ example: '2027-11' }) month!: string;
  @ApiProperty() points!: number;
  @ApiProperty() liabilityFen!: number;
}

export class PointsMonth extends PointsFlow {
  @ApiProperty({ example: '2026-11' }) month!: string;
}

export class PointsLiabilityReport {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ description: 'Fen a point is worth at checkout (policy)' }) fenPerPoint!: number;
  @ApiProperty({ description: 'Spendable now' }) available!: number;
  @ApiProperty({ description: 'Earned on orders not yet through after-sales' }) pending!: number;
  @ApiProperty({ description: '(available + pending) in fen' }) liabilityFen!: number;
  @ApiProperty({
    type: ExpiryMonth,
    isArray: true,
    description: 'Available points by the month they expire in, soonest first',
  })
  byExpiryMonth!: ExpiryMonth[];
  @ApiProperty({
    type: PointsMonth,
    isArray: true,
    description: 'The last 12 months, oldest first',
  })
  months!: PointsMonth[];
}

export class BgNbdParameters {
  @ApiProperty() r!: number;
  @ApiProperty() alpha!: number;
  @ApiProperty() a!: number;
  @ApiProperty() b!: number;
}

export class GammaGammaParameters {
  @ApiProperty() p!: number;
  @ApiProperty() q!: number;
  @ApiProperty() gamma!: number;
}

export class ChurnModel {
  @ApiProperty({ format: 'date-time' }) fittedAt!: string;
  @ApiProperty({ description: 'Day the histories run to' }) asOf!: string;
  @ApiProperty({ description: 'Time is measured in days' }) unit!: 'day';
  @ApiProperty({
    description: 'Buyers it was fitted on: all of them, or 20,000 drawn evenly when there are more',
  })
  customers!: number;
  @ApiProperty({ type: BgNbdParameters }) bgnbd!: BgNbdParameters;
  @ApiProperty({
    type: GammaGammaParameters,
    nullable: true,
    description:
      'Null until some buyer has bought on two days, or when the fit cannot value every buyer (it did not converge, or the population mean spend does not exist, q <= 1): expected spend is then 0',
  })
  gammaGamma!: GammaGammaParameters | null;
}

export class LifecycleSummary {
  @ApiProperty({ enum: LIFECYCLE_STAGES }) stage!: LifecycleStage;
  @ApiProperty() members!: number;
  @ApiProperty({ description: 'Mean P(alive), 0-1' }) probabilityAlive!: number;
  @ApiProperty({ description: 'Purchases they are expected to make in the next 90 days' })
  expectedPurchases90d!: number;
  @ApiProperty({ description: 'Fen they are expected to spend in the next 90 days' })
  expectedSpend90dFen!: number;
}

export class ChurnMember {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) stage!: LifecycleStage;
  @ApiProperty() probabilityAlive!: number;
  @ApiProperty() expectedPurchases90d!: number;
  @ApiProperty({ description: 'Expected fen a purchase (Gamma-Gamma)' })
  expectedPurchaseFen!: number;
  @ApiProperty() lastPurchaseDay!: string;
}

export class ChurnQuery extends ListedQuery {
  @ApiPropertyOptional({
    enum: LIFECYCLE_STAGES,
    description: 'Lists this stage’s members, the most valuable first',
  })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  stage?: LifecycleStage;
}

export class ChurnReport {
  @ApiProperty({
    type: ChurnModel,
    nullable: true,
    description: 'Null until 30 members have bought: fewer say little about habits',
  })
  model!: ChurnModel | null;
  @ApiProperty({ type: LifecycleSummary, isArray: true, description: 'Every stage, fixed order' })
  stages!: LifecycleSummary[];
  @ApiPropertyOptional({ type: ChurnMember, isArray: true })
  members?: ChurnMember[];
}
