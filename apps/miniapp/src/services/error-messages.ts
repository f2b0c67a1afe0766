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
  [ErrorCode.RefreshTokenInvalid]: '登录已过期，请重新登录',
  [ErrorCode.ValidationFailed]: '填写的内容有误，请检查后重试',
  [ErrorCode.PointsInsufficient]: '积分不足',
  [ErrorCode.OutOfStock]: '手慢了，库存不足',
  [ErrorCode.PurchaseLimitExceeded]: '超过每人限购数量',
  [ErrorCode.CampaignNotOpen]: '团购未开始或已截团',
  [ErrorCode.PickupPointRequired]: '请先选择自提点',
};

/** What a shopper reads when something goes wrong: plain Chinese, never a code. */
export function messageFor(error: unknown, fallback = '出错了，请重试'): string {
  return error instanceof ApiError ? (MESSAGES[error.code] ?? fallback) : fallback;
}
