import { ApiError } from '@linli/api-client';
import { ErrorCode } from '@linli/shared';

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.NetworkError]: '网络不太好，请稍后再试',
  [ErrorCode.RateLimited]: '操作太频繁了，请稍后再试',
  [ErrorCode.WechatLoginFailed]: '微信登录失败，请重试',
  [ErrorCode.WechatUnavailable]: '微信服务繁忙，请稍后再试',
  [ErrorCode.DevLoginDisabled]: '当前环境不支持昵称登录',
  [ErrorCode.ServiceUnavailable]: '服务维护中，请稍后再试',
  [ErrorCode.AuthRequired]: '请先登录',
  [ErrorCode.Forbidden]: '只有本自提点的团长可以操作',
  [ErrorCode.RefreshTokenInvalid]: '登录已过期，请重新登录',
  [ErrorCode.ValidationFailed]: '填写的内容有误，请检查后重试',
  [ErrorCode.PointsInsufficient]: '积分不足',
  [ErrorCode.CheckInAlreadyDone]: '今天已经签过到了',
  [ErrorCode.ReviewAlreadyWritten]: '这件商品已经评价过了',
  [ErrorCode.CouponNotUsable]: '这张优惠券不能用了，请重新选择',
  [ErrorCode.CouponNotFound]: '没有找到这张优惠券',
  [ErrorCode.RewardNotEligible]: '会员等级不够，暂不能兑换',
  [ErrorCode.RedemptionNotCancellable]: '好礼已到自提点或已领取，不能取消了',
  [ErrorCode.BirthdayLocked]: '生日一年只能修改一次',
  [ErrorCode.OutOfStock]: '手慢了，库存不足',
  [ErrorCode.PriceChanged]: '价格有变动，请确认新的应付金额后再提交',
  [ErrorCode.PurchaseLimitExceeded]: '超过每人限购数量',
  [ErrorCode.CampaignNotOpen]: '团购未开始或已截团',
  [ErrorCode.PickupPointRequired]: '请先选择自提点',
  [ErrorCode.OrderCampaignsMismatch]: '截团时间不同的商品请分开下单',
  [ErrorCode.LeaderApplicationPending]: '你的团长申请正在审核中',
  [ErrorCode.PickupPointTaken]: '这个自提点已经有团长了',
  [ErrorCode.AlreadyLeader]: '你已经是团长了',
  [ErrorCode.PickupCodeInvalid]: '提货码不对，或不是本自提点的订单',
  [ErrorCode.NothingToPickUp]: '这位邻居暂时没有待提货的订单',
  [ErrorCode.OrderNotReady]: '这个订单的货还没到，暂不能提货',
  [ErrorCode.OrderStateInvalid]: '订单状态已经变了，请看最新的订单状态',
  [ErrorCode.MemberCodeExpired]: '会员码已过期，请让邻居刷新后再扫',
  [ErrorCode.MemberCodeInvalid]: '无法识别这个会员码',
  [ErrorCode.DeliveryStateInvalid]: '这批货还没发出，或已经确认收货',
  [ErrorCode.RefundNotAllowed]: '这个订单现在不能申请售后',
  [ErrorCode.RefundQuantityInvalid]: '售后数量超过可退数量',
  [ErrorCode.WithdrawalBelowMinimum]: '提现金额低于最低提现额',
  [ErrorCode.CommissionInsufficient]: '可提现佣金不足',
};

/** What a shopper reads when a group-buy is no longer offered to them. */
export const CAMPAIGN_GONE = '这个团购已下架，或不在你的自提点';

/**
 * Why a group-buy could not be shown or bought: the BFF answers 404 for one withdrawn, or not
 * offered at the member's pickup point or tier, and CAMPAIGN_NOT_OPEN in state draft for one
 * withdrawn while the order was being placed.
 */
export function campaignMessageFor(error: unknown, fallback: string): string {
  const gone =
    error instanceof ApiError &&
    (error.code === ErrorCode.NotFound ||
      (error.code === ErrorCode.CampaignNotOpen && error.details?.state === 'draft'));
  return gone ? CAMPAIGN_GONE : messageFor(error, fallback);
}

/** The BFF turned the caller away from a leader's route: they lead no pickup point. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.code === ErrorCode.Forbidden;
}

/** The BFF asks the caller to wait before trying again (too many tries, or wrong codes). */
export function isRateLimited(error: unknown): boolean {
  return error instanceof ApiError && error.code === ErrorCode.RateLimited;
}

/** What a shopper reads when something goes wrong: plain Chinese, never a code. */
export function messageFor(error: unknown, fallback = '出错了，请重试'): string {
  return error instanceof ApiError ? (MESSAGES[error.code] ?? fallback) : fallback;
}
