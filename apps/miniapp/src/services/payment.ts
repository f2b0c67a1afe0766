import Taro from '@tarojs/taro';
import type { OrderView } from '@linli/api-contract';
import { api } from './api';

/**
 * Pays an order awaiting payment: the BFF either completes it at once (the sandbox in H5 and
 * the demo) or answers with the parameters of WeChat Pay's sheet. Resolves with the order once
 * the shopper has paid; rejects when they close the sheet, leaving the order to pay later.
 */
export async function payOrder(orderId: string): Promise<OrderView> {
  const payment = await api.orders.pay(orderId);
  if (payment.kind === 'wechat') {
    const { timeStamp, nonceStr, package: prepay, paySign } = payment;
    if (!timeStamp || !nonceStr || !prepay || !paySign)
      throw new Error('incomplete payment parameters');
    await Taro.requestPayment({ timeStamp, nonceStr, package: prepay, signType: 'RSA', paySign });
  }
  return payment.order;
}
