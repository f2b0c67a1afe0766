import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import type { RefundStatus } from '../../payments/payment-provider';

export const PAYMENT_REFUND_STATUSES: readonly RefundStatus[] = [
  'processing',
  'succeeded',
  'abnormal',
  'closed',
];

export class PaymentRefundQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: PAYMENT_REFUND_STATUSES,
    description: 'abnormal and closed refunds never reached the payer: an operator must act',
  })
  @IsOptional()
  @IsIn(PAYMENT_REFUND_STATUSES)
  status?: RefundStatus;
}

/** Money paid back through the payment provider, and where it stands there. */
export class PaymentRefundView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ description: 'Fen' }) amount!: number;
  @ApiProperty({ description: 'Why: cancelled, late-payment, cut-off, an after-sales request…' })
  reason!: string;
  @ApiProperty({ enum: PAYMENT_REFUND_STATUSES }) status!: RefundStatus;
  @ApiProperty({ description: "The provider's refund id" }) providerRefundId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The account the money goes back to, as the provider words it',
  })
  receivedAccount!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the provider settled it (succeeded, abnormal or closed)',
  })
  settledAt!: string | null;
}

export class PaymentRefundPage {
  @ApiProperty({ type: PaymentRefundView, isArray: true }) items!: PaymentRefundView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
