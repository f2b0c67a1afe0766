/**
 * Error codes carried in every error response body (`{ error: { code, message, details } }`).
 * Clients branch on these, never on messages or HTTP statuses alone.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  AuthRequired = 'AUTH_REQUIRED',
  AuthTokenInvalid = 'AUTH_TOKEN_INVALID',
  AuthTokenExpired = 'AUTH_TOKEN_EXPIRED',
  RefreshTokenInvalid = 'REFRESH_TOKEN_INVALID',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  RateLimited = 'RATE_LIMITED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  WechatLoginFailed = 'WECHAT_LOGIN_FAILED',
  WechatUnavailable = 'WECHAT_UNAVAILABLE',
  DevLoginDisabled = 'DEV_LOGIN_DISABLED',
  AdminLoginFailed = 'ADMIN_LOGIN_FAILED',
  JobNotFound = 'JOB_NOT_FOUND',
  JobAlreadyRunning = 'JOB_ALREADY_RUNNING',
  PointsInsufficient = 'POINTS_INSUFFICIENT',
  PointsOperationConflict = 'POINTS_OPERATION_CONFLICT',
  TierRulesPublished = 'TIER_RULES_PUBLISHED',
  TierRulesInvalid = 'TIER_RULES_INVALID',
  TierRulesOutdated = 'TIER_RULES_OUTDATED',
  MemberCodeInvalid = 'MEMBER_CODE_INVALID',
  MemberCodeExpired = 'MEMBER_CODE_EXPIRED',
  PickupPointRequired = 'PICKUP_POINT_REQUIRED',
  CampaignNotOpen = 'CAMPAIGN_NOT_OPEN',
  CampaignInvalid = 'CAMPAIGN_INVALID',
  CampaignNotDraft = 'CAMPAIGN_NOT_DRAFT',
  CampaignOrdered = 'CAMPAIGN_ORDERED',
  PurchaseLimitExceeded = 'PURCHASE_LIMIT_EXCEEDED',
  OutOfStock = 'OUT_OF_STOCK',
  PriceChanged = 'PRICE_CHANGED',
  OrderCampaignsMismatch = 'ORDER_CAMPAIGNS_MISMATCH',
  LeaderApplicationPending = 'LEADER_APPLICATION_PENDING',
  PickupPointTaken = 'PICKUP_POINT_TAKEN',
  AlreadyLeader = 'ALREADY_LEADER',
  PickupCodeInvalid = 'PICKUP_CODE_INVALID',
  NothingToPickUp = 'NOTHING_TO_PICK_UP',
  OrderNotReady = 'ORDER_NOT_READY',
  DeliveryStateInvalid = 'DELIVERY_STATE_INVALID',
  RefundNotAllowed = 'REFUND_NOT_ALLOWED',
  RefundQuantityInvalid = 'REFUND_QUANTITY_INVALID',
  AlreadyDecided = 'ALREADY_DECIDED',
  WithdrawalBelowMinimum = 'WITHDRAWAL_BELOW_MINIMUM',
  CommissionInsufficient = 'COMMISSION_INSUFFICIENT',
  CouponNotFound = 'COUPON_NOT_FOUND',
  CouponNotUsable = 'COUPON_NOT_USABLE',
  RewardNotEligible = 'REWARD_NOT_ELIGIBLE',
  RedemptionNotCancellable = 'REDEMPTION_NOT_CANCELLABLE',
  CheckInAlreadyDone = 'CHECK_IN_ALREADY_DONE',
  BirthdayLocked = 'BIRTHDAY_LOCKED',
  ReviewAlreadyWritten = 'REVIEW_ALREADY_WRITTEN',
  OrderStateInvalid = 'ORDER_STATE_INVALID',
  PaymentNotificationInvalid = 'PAYMENT_NOTIFICATION_INVALID',
  PaymentAmountMismatch = 'PAYMENT_AMOUNT_MISMATCH',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  InternalError = 'INTERNAL_ERROR',
  NetworkError = 'NETWORK_ERROR',
}

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}
