import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, Trimmed } from '../../../common/text-fields';
import type { RefundStatus } from '../../payments/payment-provider';

/**
 * Where a refund stands: requested (recorded, the provider not yet asked or not yet willing),
 * the provider's statuses, stalled (processing at the provider with no outcome after days of
 * asking, and no longer asked about), or paid out by an operator another way.
 */
export type PaymentRefundStatus = 'requested' | RefundStatus | 'stalled' | 'settled_by_operator';

export const PAYMENT_REFUND_STATUSES: readonly PaymentRefundStatus[] = [
  'requested',
  'processing',
  'stalled',
  'succeeded',
  'abnormal',
  'closed',
  'settled_by_operator',
];

export class PaymentRefundQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: PAYMENT_REFUND_STATUSES,
    description:
      'abnormal and closed refunds never reached the payer, and requested ones with lastRefused were refused by the provider: an operator may act. stalled ones have had no outcome from the provider for 3 days and are no longer asked about: an operator looks at the provider, and may have it asked again',
  })
  @IsOptional()
  @IsIn(PAYMENT_REFUND_STATUSES)
  status?: PaymentRefundStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "One order's refunds: where the money of a shopper's order went",
  })
  @IsOptional()
  @IsUUID('4')
  orderId?: string;
}

/**
 * An operator paid a refund that did not reach the payer out another way (a transfer, cash at
 * the point).
 */
export class SettleRefundRequest {
  @ApiProperty({
    minLength: 2,
    maxLength: 200,
    description: 'How the money reached the shopper, for the audit log',
    example: '已通过企业付款转至顾客微信零钱',
  })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  note!: string;
}

/** Money paid back through the payment provider, and where it stands there. */
export class PaymentRefundView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ description: 'Fen' }) amount!: number;
  @ApiProperty({ description: 'Why: cancelled, late-payment, cut-off, an after-sales request…' })
  reason!: string;
  @ApiProperty({ enum: PAYMENT_REFUND_STATUSES }) status!: PaymentRefundStatus;
  @ApiProperty({ description: "The provider's refund id; empty while requested" })
  providerRefundId!: string;
  @ApiProperty({ description: 'How many times the provider has been asked for it' })
  attempts!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why the provider did not take it the last time it was asked; kept once an operator settles it',
  })
  lastError!: string | null;
  @ApiProperty({
    description:
      'The provider refused it the last time it was asked, so it paid nothing: an operator may settle it another way. False while it is being asked, and after a timeout, a server error or a rate limit, when it may have paid',
  })
  lastRefused!: boolean;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'While requested, when it is asked for next; while processing, when the provider is next asked how it ended if its notification has not come (10 minutes after it took it, then twice as long after each time, up to 4 hours)',
  })
  nextAttemptAt!: string | null;
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
    description:
      'When the provider settled it (succeeded, abnormal or closed), or the operator did',
  })
  settledAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'How an operator paid it out, when they did',
  })
  operatorNote!: string | null;
}

export class PaymentRefundPage {
  @ApiProperty({ type: PaymentRefundView, isArray: true }) items!: PaymentRefundView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
