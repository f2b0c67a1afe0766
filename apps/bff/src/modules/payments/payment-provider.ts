/** A payment the provider confirms: which order, its transaction, the amount paid. */
export interface PaymentNotification {
  orderId: string;
  transactionId: string;
  amountFen: number;
  paidAt: Date;
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
  refund(request: {
    orderId: string;
    transactionId: string;
    amountFen: number;
    totalFen: number;
    reason: string;
  }): Promise<{
    refundId: string;
  }>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
