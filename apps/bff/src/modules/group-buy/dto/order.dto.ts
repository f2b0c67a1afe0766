import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MOST_UNITS_PER_ORDER_LINE } from '@linli/shared';
import { PageQuery } from '../../../common/pagination';
import { PickupPointSummary } from '../../pickup-points/dto/pickup-point.dto';
import {
  ORDER_STAGE_NAMES,
  ORDER_STAGES,
  ORDER_STATES,
  type OrderStage,
  type OrderState,
} from '@linli/domain';

export class OrderItemRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID('4') campaignId!: string;
  @ApiProperty({ minimum: 1, maximum: MOST_UNITS_PER_ORDER_LINE })
  @IsInt()
  @Min(1)
  @Max(MOST_UNITS_PER_ORDER_LINE)
  quantity!: number;
}

export class OrderRequest {
  @ApiProperty({ type: OrderItemRequest, isArray: true })
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequest)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  items!: OrderItemRequest[];

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('4') couponId?: string;

  @ApiPropertyOptional({
    description: 'Points the shopper wants to use; the quote says how many apply',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  pointsToUse?: number;
}

export class PlaceOrderRequest extends OrderRequest {
  @ApiPropertyOptional({
    description:
      'The payable of the quote the shopper saw, in fen. When the order would come to another amount (points used elsewhere meanwhile, a new tier or policy), it is refused with PRICE_CHANGED and nothing is taken',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedPayable?: number;
}

export class QuoteLine {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ description: 'Group price per unit, fen' }) unitPrice!: number;
  @ApiProperty({ description: 'unitPrice x quantity' }) amount!: number;
  @ApiProperty() tierDiscount!: number;
  @ApiProperty() couponDiscount!: number;
  @ApiProperty() pointsDiscount!: number;
  @ApiProperty() payable!: number;
}

/** Every step of the price, in fen. */
export class QuoteResponse {
  @ApiProperty({ type: QuoteLine, isArray: true }) lines!: QuoteLine[];
  @ApiProperty() subtotal!: number;
  @ApiProperty() tierDiscount!: number;
  @ApiProperty() couponDiscount!: number;
  @ApiProperty({
    enum: ['applied', 'none', 'min_spend_not_met', 'not_applicable'],
    description:
      'What became of couponId: applied; none asked; the group-buys it applies to come to less than its minimum spend; it applies to none of them. An order with a coupon that is not applied is refused (COUPON_NOT_USABLE)',
  })
  coupon!: 'applied' | 'none' | 'min_spend_not_met' | 'not_applicable';
  @ApiProperty() pointsUsed!: number;
  @ApiProperty() pointsDiscount!: number;
  @ApiProperty() payable!: number;
  @ApiProperty({
    description:
      'Points the payment earns. Before payment an estimate with the tier and member day of now; once paid, what the payment earned',
  })
  pointsToEarn!: number;
}

export class LineReview {
  @ApiProperty({ minimum: 1, maximum: 5 }) rating!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OrderLineView extends QuoteLine {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: "The product's first picture" })
  image!: string | null;
  @ApiProperty({ format: 'date', description: 'The day its goods can be picked up (提货日期)' })
  pickupDate!: string;
  @ApiProperty({ description: 'Units refunded so far' }) refundedQuantity!: number;
  @ApiProperty({
    type: LineReview,
    nullable: true,
    description: "The member's review of the line, once they have written one",
  })
  review!: LineReview | null;
}

/** How far a refund of money has got, as the payer sees it. */
export const MONEY_BACK_STATES = [
  'on_the_way',
  'arrived',
  'not_reached',
  'paid_by_operator',
] as const;
export type MoneyBackState = (typeof MONEY_BACK_STATES)[number];

export class MoneyBackView {
  @ApiProperty({ description: 'Fen' }) amount!: number;
  @ApiProperty({
    enum: MONEY_BACK_STATES,
    enumName: 'MoneyBackState',
    description:
      "on_the_way: the payment provider is returning it; arrived: it is back in the payer's account; not_reached: it could not go back, and the platform's staff take it up; paid_by_operator: the platform paid it out another way",
  })
  state!: MoneyBackState;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The account it arrived in, as the payment provider names it',
  })
  account!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When it arrived, could not go back, or was paid out another way',
  })
  settledAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OrderView extends OmitType(QuoteResponse, ['coupon'] as const) {
  @ApiProperty({ type: OrderLineView, isArray: true }) declare lines: OrderLineView[];
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ORDER_STATES, enumName: 'OrderState' }) state!: OrderState;
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty({ type: PickupPointSummary, description: 'Where the order is picked up' })
  pickupPoint!: PickupPointSummary;
  @ApiProperty({ format: 'date-time', description: 'An unpaid order is cancelled at this moment' })
  expiresAt!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'When its group-buys cut off (截团): it can be paid or cancelled only before then',
  })
  cutsOffAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) paidAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      '8 digits shown at pickup, while the order is on its way or waiting to be picked up',
  })
  pickupCode!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) pickedUpAt!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'After-sales requests are taken until then',
  })
  afterSalesEndsAt!: string | null;
  @ApiProperty({ description: 'Money refunded so far, fen' }) refunded!: number;
  @ApiProperty({
    type: MoneyBackView,
    isArray: true,
    description: 'Each refund of money for the order, oldest first, and how far it has got',
  })
  moneyBack!: MoneyBackView[];
}

export class OrderListQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ORDER_STAGE_NAMES,
    enumName: 'OrderStage',
    description: `Only the orders of one tab: ${Object.entries(ORDER_STAGES)
      .map(([stage, states]) => `${stage} (${states.join(', ')})`)
      .join('; ')}`,
  })
  @IsOptional()
  @IsIn(ORDER_STAGE_NAMES)
  stage?: OrderStage;
}

export class OrderPage {
  @ApiProperty({ type: OrderView, isArray: true }) items!: OrderView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/**
 * An order as an operator looks it up (from a refund, a payment or a shopper's call): whose it
 * is, and all but the pickup code, which only its shopper and leader use.
 */
export class AdminOrder extends OmitType(OrderView, ['pickupCode'] as const) {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() memberNickname!: string;
}

export class AdminOrderPage {
  @ApiProperty({ type: AdminOrder, isArray: true }) items!: AdminOrder[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** What one pickup point has ordered of a group-buy: for operators planning supply and delivery. */
export class CampaignPointSales {
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty({ description: 'Units paid for and not refunded' }) units!: number;
  @ApiProperty({ description: 'Orders holding those units' }) orders!: number;
  @ApiProperty({ description: 'Neighbours who paid' }) buyers!: number;
  @ApiProperty({ description: 'Units in orders still awaiting payment' }) unpaidUnits!: number;
}

export class PaymentStartResponse {
  @ApiProperty({
    enum: ['completed', 'wechat'],
    description: 'completed: already paid; wechat: call wx.requestPayment',
  })
  kind!: 'completed' | 'wechat';
  @ApiPropertyOptional() timeStamp?: string;
  @ApiPropertyOptional() nonceStr?: string;
  @ApiPropertyOptional() package?: string;
  @ApiPropertyOptional() signType?: 'RSA';
  @ApiPropertyOptional() paySign?: string;
  @ApiProperty({ type: OrderView }) order!: OrderView;
}
