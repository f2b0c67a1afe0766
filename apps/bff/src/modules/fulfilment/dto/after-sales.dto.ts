import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { MoneyBackView } from '../../group-buy/dto/order.dto';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

export const REFUND_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export class RefundLineRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID('4') orderLineId!: string;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(99) quantity!: number;
}

export class RefundRequestBody {
  @ApiProperty({ type: RefundLineRequest, isArray: true })
  @ValidateNested({ each: true })
  @Type(() => RefundLineRequest)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  lines!: RefundLineRequest[];

  @ApiProperty({
    minLength: 2,
    maxLength: 200,
    description: 'Read by an operator, without leading and trailing spaces; not only spaces',
  })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  reason!: string;
}

export class RefundView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: RefundLineRequest, isArray: true }) lines!: RefundLineRequest[];
  @ApiProperty({ description: 'Money the request asks back, fen, before any points shortfall' })
  requested!: number;
  @ApiProperty({ enum: REFUND_STATUSES }) status!: RefundStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "'auto', or the admin who decided (to the shopper: 'operator')",
  })
  decidedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Money paid back, fen' })
  refunded!: number | null;
  @ApiProperty({ nullable: true, type: Number }) pointsReturned!: number | null;
  @ApiProperty({ nullable: true, type: Number }) pointsClawedBack!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Money kept back for earned points already spent, fen',
  })
  shortfall!: number | null;
  @ApiProperty({
    type: MoneyBackView,
    nullable: true,
    description:
      'Where the money paid back is: none until the request is approved with money to return',
  })
  moneyBack!: MoneyBackView | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RefundPage {
  @ApiProperty({ type: RefundView, isArray: true }) items!: RefundView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RefundQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REFUND_STATUSES })
  @IsOptional()
  @IsIn(REFUND_STATUSES)
  status?: RefundStatus;
}
