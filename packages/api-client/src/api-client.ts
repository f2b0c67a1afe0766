import axios, { AxiosAdapter, AxiosHeaders, AxiosInstance, AxiosRequestConfig } from 'axios';
import type {
  AdminLoginRequest,
  AdminLoginResponse,
  BirthdayView,
  CheckInCalendar,
  CheckInResult,
  CommissionOverview,
  DeliveryBatch,
  DeliveryBatchPage,
  InviteView,
  LeaderApplication,
  LeaderApplicationRequest,
  LeaderDashboard,
  MemberCouponPage,
  MemberCouponState,
  LoginResponse,
  MeResponse,
  MemberCard,
  NearbyPickupPointPage,
  NotificationPage,
  OrderPage,
  OrderStage,
  OrderRequest,
  PlaceOrderRequest,
  OrderView,
  PaymentStartResponse,
  PickListPage,
  PickupOrderPage,
  RewardPickup,
  RewardPickupPage,
  RewardPickupState,
  PointsEntryPage,
  PointsEntryType,
  PointsWallet,
  ProductReviewPage,
  QuoteResponse,
  RecommendationList,
  RefundRequestBody,
  RedeemRequest,
  Redemption,
  RedemptionPage,
  RefundView,
  ReviewRequest,
  ReviewView,
  ShopperCampaign,
  ShopperRewardPage,
  ShopperCampaignList,
  TokenPair,
  UnreadCount,
  VerifyPickupRequest,
  VerifyPickupResponse,
  WechatLoginRequest,
  Withdrawal,
  WithdrawalPage,
} from '@linli/api-contract';
import { ErrorCode } from '@linli/api-contract';
import { ApiError, toApiError } from './api-error';

export interface TokenStore {
  getAccessToken(): string | null;
  getRefreshToken(): string | null;
  setTokens(tokens: TokenPair): void;
  clear(): void;
  /**
   * Takes up what other instances sharing the storage (the tabs of a browser) saved since: the
   * session they renewed, a log-out, another member's log-in. None where the app runs once.
   */
  reload?(): void;
}

export interface ApiClientOptions {
  baseURL: string;
  /** The transport: axios' own by default; the mini-program passes one built on Taro.request. */
  adapter?: AxiosAdapter;
  tokenStore: TokenStore;
  /** Called when the session cannot be refreshed and the user must log in again. */
  onSessionExpired?: () => void;
  /**
   * Runs each refresh alone among the clients sharing the token storage (the tabs of a browser),
   * so that one renews the session and the others take it up rather than spend its used-up
   * refresh token. None where the app runs once.
   */
  refreshLock?: (refresh: () => Promise<string>) => Promise<string>;
  /**
   * Told the BFF's time whenever an answer carries it (its HTTP Date header, to the second), so
   * that the app can judge deadlines by it rather than by a device clock that may be off.
   */
  onServerTime?: (at: Date) => void;
  timeoutMs?: number;
}

interface RetriableConfig extends AxiosRequestConfig {
  retriedAfterRefresh?: boolean;
}

export type ApiClient = ReturnType<typeof createApiClient>;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The member a token was issued to (its `sub`), read but not verified: the BFF verifies it. */
function memberOf(token: string | null): string | undefined {
  // Decoded here, as not every mini-program runtime has atob.
  let json = '';
  let bits = 0;
  let value = 0;
  for (const char of token?.split('.')[1] ?? '') {
    value = (value << 6) | BASE64URL.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      json += String.fromCharCode((value >> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  try {
    return (JSON.parse(json) as { sub?: string }).sub;
  } catch {
    return undefined;
  }
}

/** Whether `token` is a session of the member `other` was issued to. */
function sameMember(token: string | null, other: string | null): token is string {
  const member = memberOf(token);
  return member !== undefined && member === memberOf(other);
}

export function createApiClient(options: ApiClientOptions) {
  const { tokenStore } = options;
  const http: AxiosInstance = axios.create({
    baseURL: options.baseURL,
    adapter: options.adapter,
    timeout: options.timeoutMs ?? 15_000,
    headers: { 'Content-Type': 'application/json' },
  });

  /**
   * What to use instead of `held`, read again from the store and the storage it shares: nothing
   * while `held` is still the session's; the newer access token where another request or tab
   * renewed the same member's session; a refusal where the member logged out or another logged in
   * meanwhile, as nothing is sent again as another member, nor saved over their session.
   */
  const renewedSince = (held: string | null): string | null => {
    tokenStore.reload?.();
    const current = tokenStore.getAccessToken();
    if (current === held) return null;
    if (sameMember(current, held)) return current;
    throw new ApiError(ErrorCode.AuthRequired, 401, 'Logged out meanwhile');
  };

  const alone = options.refreshLock ?? ((refresh) => refresh());

  // Many requests may find the access token expired at once: they all wait on one refresh.
  let refreshing: Promise<string> | null = null;
  const refreshAccessToken = (): Promise<string> => {
    const held = tokenStore.getAccessToken();
    refreshing ??= alone(async () => {
      // Another tab may have renewed the session while this one waited for its turn.
      const renewedMeanwhile = renewedSince(held);
      if (renewedMeanwhile) return renewedMeanwhile;
      const refreshToken = tokenStore.getRefreshToken();
      if (!refreshToken) throw new ApiError(ErrorCode.AuthRequired, 401, 'Log in first');
      let data: TokenPair;
      try {
        ({ data } = await http.post<TokenPair>(
          '/auth/refresh',
          { refreshToken },
          { headers: { Authorization: undefined } },
        ));
      } catch (error) {
        const apiError = toApiError(error);
        // Only the BFF refusing the refresh token ends the session; a network failure, a 5xx or a
        // 429 leaves the unused refresh token for the next request to try again.
        if (apiError.status === 400 || apiError.status === 401) {
          // Where tabs cannot take turns, another may have renewed the session with this same
          // refresh token, which the BFF takes once: its tokens are this tab's too.
          const renewedElsewhere = renewedSince(held);
          if (renewedElsewhere) return renewedElsewhere;
          tokenStore.clear();
          options.onSessionExpired?.();
        }
        throw apiError;
      }
      // The session may have ended (log-out, another member's log-in) while the refresh was out.
      const renewedElsewhere = renewedSince(held);
      if (renewedElsewhere) return renewedElsewhere;
      tokenStore.setTokens(data);
      return data.accessToken;
    }).finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const noteServerTime = (headers: unknown) => {
    if (!headers) return;
    // Header names come as the runtime gives them: `date` from Node and browsers, `Date` from WeChat.
    const date = AxiosHeaders.from(headers as Record<string, string>).get('date');
    const at = typeof date === 'string' ? new Date(date) : null;
    if (at && !Number.isNaN(at.getTime())) options.onServerTime?.(at);
  };
  http.interceptors.response.use(
    (response) => {
      noteServerTime(response.headers);
      return response;
    },
    (error: unknown) => {
      if (axios.isAxiosError(error)) noteServerTime(error.response?.headers);
      return Promise.reject(error);
    },
  );

  http.interceptors.request.use((config) => {
    const token = tokenStore.getAccessToken();
    if (token && config.headers.Authorization === undefined)
      config.headers.Authorization = `Bearer ${token}`;
    return config;
  });

  const send = async <T>(config: RetriableConfig): Promise<T> => {
    const sentWith = tokenStore.getAccessToken();
    try {
      return (await http.request<T>(config)).data;
    } catch (error) {
      const apiError = toApiError(error);
      // An access token the BFF no longer takes at all (its signing key changed) is renewed as an
      // expired one is; when the refresh token is refused too, the session ends.
      const renewable =
        apiError.code === ErrorCode.AuthTokenExpired ||
        (apiError.code === ErrorCode.AuthTokenInvalid && sentWith !== null);
      if (renewable && !config.retriedAfterRefresh) {
        // A refresh that finished while this request was out, here or in another tab, already
        // gave a new token.
        const accessToken = renewedSince(sentWith) ?? (await refreshAccessToken());
        return send<T>({
          ...config,
          retriedAfterRefresh: true,
          headers: { ...config.headers, Authorization: `Bearer ${accessToken}` },
        });
      }
      throw apiError;
    }
  };

  return {
    auth: {
      async wechatLogin(body: WechatLoginRequest): Promise<LoginResponse> {
        const result = await send<LoginResponse>({
          method: 'POST',
          url: '/auth/wechat-login',
          data: body,
        });
        tokenStore.setTokens(result);
        return result;
      },
      refresh: refreshAccessToken,
      /**
       * Forgets the session here at once, and asks the BFF to end it (its refresh token refused
       * from then on); the answer is not waited for by anything the member sees.
       */
      async logout(): Promise<void> {
        const refreshToken = tokenStore.getRefreshToken();
        tokenStore.clear();
        if (refreshToken) await http.post('/auth/logout', { refreshToken }).catch(() => undefined);
      },
    },
    me: {
      get: () => send<MeResponse>({ method: 'GET', url: '/me' }),
      /** The birthday the tier's gift comes on (YYYY-MM-DD); it changes at most once a year. */
      setBirthday: (birthday: string) =>
        send<BirthdayView>({ method: 'PUT', url: '/me/birthday', data: { birthday } }),
      /** 邀请有礼: the invite code, the invitees and what inviting earned. */
      invite: () => send<InviteView>({ method: 'GET', url: '/me/invite' }),
      /** 猜你喜欢: group-buys on sale at the member's pickup point, best first, each with why. */
      recommendations: (query: { limit?: number } = {}) =>
        send<RecommendationList>({ method: 'GET', url: '/me/recommendations', params: query }),
    },
    pickupPoints: {
      /** The points shoppers can choose, nearest first; `vacant`: those still needing a leader. */
      nearby: (
        lat: number,
        lng: number,
        query: { vacant?: boolean; limit?: number; cursor?: string } = {},
      ) =>
        send<NearbyPickupPointPage>({
          method: 'GET',
          url: '/pickup-points',
          params: { lat, lng, ...query },
        }),
      choose: (pickupPointId: string) =>
        send<MeResponse>({ method: 'PUT', url: '/me/pickup-point', data: { pickupPointId } }),
    },
    campaigns: {
      list: (query: { limit?: number; cursor?: string } = {}) =>
        send<ShopperCampaignList>({ method: 'GET', url: '/campaigns', params: query }),
      get: (campaignId: string) =>
        send<ShopperCampaign>({ method: 'GET', url: `/campaigns/${campaignId}` }),
      /** 邻居评价: what neighbours said of the product the group-buy offers, newest first. */
      reviews: (campaignId: string, query: { limit?: number; cursor?: string } = {}) =>
        send<ProductReviewPage>({
          method: 'GET',
          url: `/campaigns/${campaignId}/reviews`,
          params: query,
        }),
    },
    orders: {
      quote: (body: OrderRequest) =>
        send<QuoteResponse>({ method: 'POST', url: '/orders/quote', data: body }),
      /** Exactly once per key: retry with the same key after a network failure. */
      create: (body: PlaceOrderRequest, idempotencyKey: string) =>
        send<OrderView>({
          method: 'POST',
          url: '/orders',
          data: body,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      pay: (orderId: string) =>
        send<PaymentStartResponse>({ method: 'POST', url: `/orders/${orderId}/pay` }),
      /** Once per key: retry with the same key after a network failure. */
      cancel: (orderId: string, idempotencyKey: string) =>
        send<OrderView>({
          method: 'POST',
          url: `/orders/${orderId}/cancel`,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      /** Newest first: all of the member's orders, or those of one stage (a tab of the list). */
      list: (query: { limit?: number; cursor?: string; stage?: OrderStage } = {}) =>
        send<OrderPage>({ method: 'GET', url: '/me/orders', params: query }),
      get: (orderId: string) => send<OrderView>({ method: 'GET', url: `/me/orders/${orderId}` }),
      /** After-sales for some or all lines; exactly once per key. */
      requestRefund: (orderId: string, body: RefundRequestBody, idempotencyKey: string) =>
        send<RefundView>({
          method: 'POST',
          url: `/me/orders/${orderId}/refunds`,
          data: body,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      refunds: (orderId: string) =>
        send<RefundView[]>({ method: 'GET', url: `/me/orders/${orderId}/refunds` }),
      /** 评价: a line of an order picked up, once; a retry with the same key returns the first result. */
      review: (orderId: string, body: ReviewRequest, idempotencyKey: string) =>
        send<ReviewView>({
          method: 'POST',
          url: `/me/orders/${orderId}/reviews`,
          data: body,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
    },
    notifications: {
      list: (query: { limit?: number; cursor?: string } = {}) =>
        send<NotificationPage>({ method: 'GET', url: '/me/notifications', params: query }),
      unread: () => send<UnreadCount>({ method: 'GET', url: '/me/notifications/unread' }),
      /** Seen: read from now on; answers how many are still unread. */
      markRead: (ids: string[]) =>
        send<UnreadCount>({ method: 'POST', url: '/me/notifications/read', data: { ids } }),
      /** 全部已读: every notice up to the newest one seen, older pages included. */
      markAllRead: (upTo: string) =>
        send<UnreadCount>({ method: 'POST', url: '/me/notifications/read-all', data: { upTo } }),
    },
    leader: {
      apply: (body: LeaderApplicationRequest) =>
        send<LeaderApplication>({ method: 'POST', url: '/leader/applications', data: body }),
      applications: () => send<LeaderApplication[]>({ method: 'GET', url: '/leader/applications' }),
      dashboard: () => send<LeaderDashboard>({ method: 'GET', url: '/leader/dashboard' }),
      /** The point's orders in one state (ready for pickup unless told), oldest first. */
      pickups: (query: { state?: OrderView['state']; limit?: number; cursor?: string } = {}) =>
        send<PickupOrderPage>({ method: 'GET', url: '/leader/pickups', params: query }),
      /** One code or one member code; a retry with the same key returns the first result. */
      verify: (body: VerifyPickupRequest, idempotencyKey: string) =>
        send<VerifyPickupResponse>({
          method: 'POST',
          url: '/leader/pickups/verify',
          data: body,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      /** 分拣单, newest batch first. */
      pickLists: (query: { campaignId?: string; limit?: number; cursor?: string } = {}) =>
        send<PickListPage>({ method: 'GET', url: '/leader/pick-lists', params: query }),
      /** The point's delivery batches, newest first. */
      deliveries: (
        query: { state?: DeliveryBatch['state']; limit?: number; cursor?: string } = {},
      ) => send<DeliveryBatchPage>({ method: 'GET', url: '/leader/deliveries', params: query }),
      receive: (batchId: string) =>
        send<DeliveryBatch>({ method: 'POST', url: `/leader/deliveries/${batchId}/receive` }),
      /** Goods from the rewards mall for the point's members in one state (on their way unless told), oldest first. */
      rewardPickups: (query: { state?: RewardPickupState; limit?: number; cursor?: string } = {}) =>
        send<RewardPickupPage>({ method: 'GET', url: '/leader/reward-pickups', params: query }),
      /** The goods have arrived: the member is told to come for them. */
      rewardArrived: (redemptionId: string) =>
        send<RewardPickup>({
          method: 'POST',
          url: `/leader/reward-pickups/${redemptionId}/arrive`,
        }),
      commissions: (query: { limit?: number; cursor?: string } = {}) =>
        send<CommissionOverview>({ method: 'GET', url: '/leader/commissions', params: query }),
      withdraw: (amount: number, idempotencyKey: string) =>
        send<Withdrawal>({
          method: 'POST',
          url: '/leader/withdrawals',
          data: { amount },
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      /** The point's withdrawals, newest first. */
      withdrawals: (query: { limit?: number; cursor?: string } = {}) =>
        send<WithdrawalPage>({ method: 'GET', url: '/leader/withdrawals', params: query }),
    },
    memberCard: {
      get: () => send<MemberCard>({ method: 'GET', url: '/me/member-card' }),
    },
    points: {
      wallet: () => send<PointsWallet>({ method: 'GET', url: '/me/points' }),
      entries: (query: { type?: PointsEntryType; limit?: number; cursor?: string } = {}) =>
        send<PointsEntryPage>({ method: 'GET', url: '/me/points/entries', params: query }),
    },
    rewards: {
      /** 积分商城: the rewards on offer, with what the member has redeemed. */
      list: (query: { limit?: number; cursor?: string } = {}) =>
        send<ShopperRewardPage>({ method: 'GET', url: '/rewards', params: query }),
      /** Redeems for points; a retry with the same key returns the first result. */
      redeem: (body: RedeemRequest, idempotencyKey: string) =>
        send<Redemption>({
          method: 'POST',
          url: '/me/redemptions',
          data: body,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      /** The member's redemptions, newest first. */
      redemptions: (query: { limit?: number; cursor?: string } = {}) =>
        send<RedemptionPage>({ method: 'GET', url: '/me/redemptions', params: query }),
      /** Takes back goods still on their way; a retry with the same key returns the first result. */
      cancelRedemption: (redemptionId: string, idempotencyKey: string) =>
        send<Redemption>({
          method: 'POST',
          url: `/me/redemptions/${redemptionId}/cancel`,
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
    },
    coupons: {
      /** The member's coupons, newest first: those usable, used or expired, or all. */
      mine: (query: { state?: MemberCouponState; limit?: number; cursor?: string } = {}) =>
        send<MemberCouponPage>({ method: 'GET', url: '/me/coupons', params: query }),
    },
    checkIns: {
      /** 签到: today's check-in; a retry with the same key returns the first result. */
      checkIn: (idempotencyKey: string) =>
        send<CheckInResult>({
          method: 'POST',
          url: '/me/check-ins',
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      /** A month (YYYY-MM, this month when left out) of check-ins, the streak and the next bonus. */
      calendar: (month?: string) =>
        send<CheckInCalendar>({
          method: 'GET',
          url: '/me/check-ins',
          params: month ? { month } : {},
        }),
    },
    admin: {
      login: (body: AdminLoginRequest) =>
        send<AdminLoginResponse>({ method: 'POST', url: '/admin/auth/login', data: body }),
    },
  };
}
