import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQuery } from '../../../common/pagination';

export const WITHDRAWAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/** A pickup point's commission in fen, by state. */
export class CommissionTotals {
  @ApiProperty({ description: 'Orders paid, not yet picked up' }) pending!: number;
  @ApiProperty({ description: 'Picked up, inside the after-sales window' }) frozen!: number;
  @ApiProperty({ description: 'After-sales window closed' }) available!: number;
  @ApiProperty({ description: 'Taken back by cancellations and refunds' }) cancelled!: number;
  @ApiProperty({ description: 'Paid out' }) withdrawn!: number;
  @ApiProperty({ description: 'Requested, awaiting approval' }) withdrawing!: number;
  @ApiProperty({ description: 'available - withdrawn - withdrawing' }) withdrawable!: number;
  @ApiProperty() minimumWithdrawal!: number;
}

export class CommissionEntry {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty({ enum: ['pending', 'frozen', 'available', 'cancelled'] }) state!:
    | 'pending'
    | 'frozen'
    | 'available'
    | 'cancelled';
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CommissionEntryPage {
  @ApiProperty({ type: CommissionEntry, isArray: true }) items!: CommissionEntry[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CommissionOverview {
  @ApiProperty({ type: CommissionTotals }) totals!: CommissionTotals;
  @ApiProperty({ type: CommissionEntryPage }) entries!: CommissionEntryPage;
}

export class WithdrawalRequest {
  @ApiProperty({ description: 'fen' })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  amount!: number;
}

export class Withdrawal {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() amount!: number;
  @ApiProperty({ enum: WITHDRAWAL_STATUSES }) status!: WithdrawalStatus;
  @ApiProperty({ nullable: true, type: String }) decisionNote!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class WithdrawalPage {
  @ApiProperty({ type: Withdrawal, isArray: true }) items!: Withdrawal[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class WithdrawalQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WITHDRAWAL_STATUSES })
  @IsOptional()
  @IsIn(WITHDRAWAL_STATUSES)
  status?: WithdrawalStatus;
}
