import type { MemberCoupon } from '@linli/api-contract';
import { yuan } from './format';

/** What a coupon takes off: ¥5.00, or 9折 for 10% off. */
export function couponValue(coupon: Pick<MemberCoupon, 'kind' | 'amountFen' | 'percentOffBps'>) {
  return coupon.kind === 'fixed'
    ? yuan(coupon.amountFen)
    : `${(10_000 - coupon.percentOffBps) / 1_000}折`;
}

/** 满¥30.00可用, or 无门槛 */
export function couponCondition(coupon: Pick<MemberCoupon, 'minSpendFen'>) {
  return coupon.minSpendFen > 0 ? `满${yuan(coupon.minSpendFen)}可用` : '无门槛';
}
