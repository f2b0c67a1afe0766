/** A payment the provider confirms: which order, its transaction, the amount paid. */
export interface PaymentNotification {
  orderId: string;
  transactionId: string;
  amountFen: number;
  paidAt: Date;
}

/** Where a refund stands at the provider: asked and pending, or one of its final outcomes. */
export type RefundStatus = 'processing' | 'succeeded' | 'abnormal' | 'closed';

export interface RefundRequest {
  orderId: string;
  transactionId: string;
  amountFen: number;
  totalFen: number;
  /** What the refund is for, in the BFF's words: an order has one refund per reason. */
  reason: string;
  /** Why the money comes back, as the payer reads it in the provider's refund message. */
  payerReason: string;
  /** Where the provider sends the refund's final outcome, when it settles it later. */
  notifyUrl: string;
}

/**
 * The provider answered a refund request by refusing it (a request it will not carry out as
 * sent, or cannot now): unlike after a timeout or a server error, it certainly paid nothing.
 */
export class RefundRefused extends Error {}

/** The provider could not be reached, or failed on its side: the same request may succeed later. */
export class ProviderUnavailable extends Error {}

/** The provider has closed the order: it can no longer be paid. */
export class PaymentClosed extends Error {}

/** The provider's answer to a refund request. */
export interface RefundAnswer {
  refundId: string;
  status: RefundStatus;
  /** When the money reached the payer, for a refund that succeeded at once. */
  settledAt: Date | null;
  /** The account the money goes back to, as the provider words it (e.g. 招商银行信用卡0403). */
  receivedAccount: string | null;
}

/** The final outcome of a refund, as the provider notifies it. */
export interface RefundNotification {
  orderId: string;
  refundId: string;
  status: Exclude<RefundStatus, 'processing'>;
  settledAt: Date | null;
  receivedAccount: string | null;
}

export interface PaymentRequest {
  orderId: string;
  amountFen: number;
  description: string;
  /** The payer's WeChat openid (JSAPI payments). */
  openid: string;
  /** Where the provider sends its notification. */
  notifyUrl: string;
  /** The last moment the payer may pay: the order's payment deadline, never after its cut-off. */
  expiresAt: Date;
}

/** What the client does next: nothing (already paid), or call wx.requestPayment with these. */
export type PaymentStart =
  | { kind: 'completed' }
  | {
      kind: 'wechat';
      timeStamp: string;
      nonceStr: string;
      package: string;
      signType: 'RSA';
      paySign: string;
    };

export interface PaymentProvider {
  readonly name: string;
  start(request: PaymentRequest): Promise<PaymentStart>;
  /** Checks a notification's signature and reads it; throws PAYMENT_NOTIFICATION_INVALID. */
  verify(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): PaymentNotification;
  /**
   * Asks whether an order was paid, for one whose notification never came: its payment;
   * 'unpaid' when the provider has none (never started, not paid, closed); 'paying' while the
   * payer is still at it. Throws when the provider does not answer, or gives an answer that
   * cannot be taken as its own (not signed by it).
   */
  findPayment(orderId: string): Promise<PaymentNotification | 'unpaid' | 'paying'>;
  /**
   * Stops the provider taking a payment of an order from now on, for one cancelled unpaid:
   * 'closed' (an order it never heard of, or closed already, too), or 'paying' when it refuses
   * as the order was paid, or is being paid, meanwhile. Throws when the provider does not answer.
   */
  close(orderId: string): Promise<'closed' | 'paying'>;
  refund(request: RefundRequest): Promise<RefundAnswer>;
  /**
   * Asks how a refund stands, for one taken as processing whose notification has not come: the
   * refund as the provider now describes it (by the same order and reason as it was requested
   * under); null when the provider has no such refund. Throws when the provider does not answer,
   * or gives an answer that cannot be taken as its own (not signed by it).
   */
  findRefund(refund: Pick<RefundRequest, 'orderId' | 'reason'>): Promise<RefundAnswer | null>;
  /** Checks a refund notification's signature and reads it; throws PAYMENT_NOTIFICATION_INVALID. */
  verifyRefund(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): RefundNotification;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
