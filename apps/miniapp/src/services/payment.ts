import Taro from '@tarojs/taro';
import type { OrderView } from '@linli/api-contract';
import { ApiError } from '@linli/api-client';
import { ORDER_STAGES } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { api } from './api';
import { messageFor } from './error-messages';
import { formatTime } from './format';

const CONFIRM_ATTEMPTS = 5;
const CONFIRM_INTERVAL_MS = 1_000;

/**
 * Pays an order awaiting payment: the BFF either completes it at once (the sandbox in H5 and
 * the demo) or answers with the parameters of WeChat Pay's sheet. Resolves with the order as
 * the BFF holds it once the shopper has paid — not necessarily paid: a payment that came too
 * late leaves it closed and refunded; rejects when they close the sheet, leaving the order to
 * pay later.
 */
export async function payOrder(orderId: string): Promise<OrderView> {
  const payment = await api.orders.pay(orderId);
  if (payment.kind === 'wechat') {
    const { timeStamp, nonceStr, package: prepay, paySign } = payment;
    if (!timeStamp || !nonceStr || !prepay || !paySign)
      throw new Error('incomplete payment parameters');
    await Taro.requestPayment({ timeStamp, nonceStr, package: prepay, signType: 'RSA', paySign });
    // The order in the answer predates the payment; WeChat Pay's notification decides it, most
    // often within seconds: the order is read again until it has, for a few seconds.
    for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
      const order = await api.orders.get(orderId).catch(() => null);
      if (order && order.state !== 'pending_payment') return order;
      await new Promise((resolve) => setTimeout(resolve, CONFIRM_INTERVAL_MS));
    }
    return api.orders.get(orderId).catch(() => payment.order);
  }
  return payment.order;
}

/**
 * What the shopper is told once paying is over: only a paid order is a success, and one that
 * the cut-off has confirmed since (or that has gone further) was paid too.
 */
export function paymentOutcome(order: OrderView): { paid: boolean; message: string } {
  if ((ORDER_STAGES.to_pick_up as readonly string[]).includes(order.state))
    return { paid: true, message: '支付成功' };
  if (order.state === 'pending_payment')
    return { paid: false, message: '支付结果确认中，请稍后在订单中查看' };
  if (order.refunded > 0) return { paid: false, message: '团购已截团，订单已关闭，款项将原路退回' };
  return { paid: false, message: '订单已关闭' };
}

/**
 * What the shopper is told when paying an order failed and the BFF still holds it unpaid: why,
 * and that the order is kept for paying again until `payBy`; one that WeChat Pay has closed can
 * no longer be paid.
 */
export function unpaidMessage(error: unknown, payBy: string): string {
  if (error instanceof ApiError && error.code === ErrorCode.OrderStateInvalid)
    return '这笔订单已无法支付，请取消后重新下单';
  return `${messageFor(error, '支付未完成')}，订单保留至 ${formatTime(payBy)}，可再次支付`;
}
