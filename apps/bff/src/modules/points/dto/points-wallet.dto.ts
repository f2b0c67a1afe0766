import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../common/pagination';

export const ENTRY_TYPES = ['earn', 'spend', 'expire', 'return', 'clawback', 'adjust'] as const;
export type PointsEntryType = (typeof ENTRY_TYPES)[number];

export class ExpiringPoints {
  @ApiProperty() points!: number;
  @ApiProperty({ format: 'date-time', description: 'Last moment the points can be used' })
  expiresAt!: string;
}

export class PointsWallet {
  @ApiProperty({ description: 'Spendable now' }) available!: number;
  @ApiProperty({ description: 'Earned by orders not yet completed' }) pending!: number;
  @ApiProperty({ type: ExpiringPoints, isArray: true }) expiringSoon!: ExpiringPoints[];
  @ApiProperty({ description: 'Everything ever credited, less what was taken back' })
  lifetimeEarned!: number;
}

export class PointsEntry {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ENTRY_TYPES, enumName: 'PointsEntryType' }) type!: PointsEntryType;
  @ApiProperty({ description: 'Signed: credits positive, debits negative' }) amount!: number;
  @ApiProperty() sourceType!: string;
  @ApiProperty() sourceId!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    description:
      "True for an order's earnings not credited yet (its order has not completed) or cancelled before they were, and for that cancellation: entries that never moved the available balance",
  })
  pending!: boolean;
}

export class PointsEntryPage {
  @ApiProperty({ type: PointsEntry, isArray: true }) items!: PointsEntry[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class PointsEntryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ENTRY_TYPES, enumName: 'PointsEntryType' })
  @IsOptional()
  @IsIn(ENTRY_TYPES)
  type?: PointsEntryType;
}
