import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

export class PointsAdjustmentRequest {
  @ApiProperty({
    description: 'Signed: positive credits, negative debits (never below zero)',
    example: 200,
  })
  @IsInt()
  @NotEquals(0)
  @Min(-10_000_000)
  @Max(10_000_000)
  points!: number;

  @ApiProperty({
    example: '补偿：配送延误',
    description: 'Shown to the member, without leading and trailing spaces; not only spaces',
  })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  reason!: string;
}

export class PointsAdjustmentResult {
  @ApiProperty({ format: 'uuid' }) entryId!: string;
  @ApiProperty() points!: number;
  @ApiProperty({
    description:
      "The member's available points after the adjustment; a replay after its Idempotency-Key record has expired gives the balance at that time",
  })
  available!: number;
}

export class ReconciliationMismatch {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ type: String, isArray: true }) problems!: string[];
}

export class ReconciliationReport {
  @ApiProperty({ description: 'Accounts checked' }) accounts!: number;
  @ApiProperty({ type: ReconciliationMismatch, isArray: true })
  mismatches!: ReconciliationMismatch[];
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
}

export class ReconciliationRun {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Null while it is still running',
  })
  finishedAt!: string | null;
  @ApiProperty({ description: 'Accounts checked so far, in member-id order' })
  accountsChecked!: number;
  @ApiProperty({ description: 'Accounts there are now: with accountsChecked, how far it has got' })
  accounts!: number;
  @ApiProperty({ description: 'Accounts found not to add up so far' })
  mismatchedAccounts!: number;
  @ApiProperty({
    type: ReconciliationMismatch,
    isArray: true,
    description:
      'What is wrong with them, for the first 1,000; each account as it was when its slice was checked',
  })
  mismatches!: ReconciliationMismatch[];
}
