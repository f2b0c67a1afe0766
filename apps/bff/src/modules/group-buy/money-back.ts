import { MoneyBackState, MoneyBackView } from './dto/order.dto';
import { PaymentRefundStatus } from './dto/payment-refund.dto';

/** A refund of a payment, as the refunds table holds it. */
export interface MoneyBackRow {
  amount_fen: number;
  status: PaymentRefundStatus;
  received_account: string | null;
  settled_at: Date | null;
  created_at: Date;
}

/** A refund as its payer sees it: on its way until the provider, or an operator, settles it. */
const MONEY_BACK_STATE: Record<PaymentRefundStatus, MoneyBackState> = {
  requested: 'on_the_way',
  processing: 'on_the_way',
  stalled: 'on_the_way',
  succeeded: 'arrived',
  abnormal: 'not_reached',
  closed: 'not_reached',
  settled_by_operator: 'paid_by_operator',
};

export function toMoneyBack(r: MoneyBackRow): MoneyBackView {
  const state = MONEY_BACK_STATE[r.status];
  return {
    amount: r.amount_fen,
    state,
    account: state === 'arrived' ? r.received_account : null,
    settledAt: state === 'on_the_way' ? null : (r.settled_at?.toISOString() ?? null),
    createdAt: r.created_at.toISOString(),
  };
}
