import type { MemberCoupon, OrderView, QuoteResponse, ShopperCampaign } from '@linli/api-contract';
import { ApiError, everyPage } from '@linli/api-client';
import { ErrorCode, MOST_UNITS_PER_ORDER_LINE } from '@linli/shared';
import { create } from 'zustand';
import { api } from '../services/api';
import { campaignMessageFor, messageFor } from '../services/error-messages';
import { newIdempotencyKey } from '../services/idempotency-key';
import { payOrder, unpaidMessage } from '../services/payment';
import { serverNow } from '../services/server-clock';
import { resetOnMemberChange } from './session';

type CampaignRoom = Pick<ShopperCampaign, 'perMemberLimit' | 'yourQuantity' | 'stockLeft'>;

/**
 * Units one order of the member could take, were stock no bound: their limit less what they
 * hold, and no more than one order takes.
 */
const allowedToOrder = (campaign: CampaignRoom) =>
  Math.min(campaign.perMemberLimit - campaign.yourQuantity, MOST_UNITS_PER_ORDER_LINE);

/** Whether the units left, not the member's limit, bound what they may order. */
export const stockBinds = (campaign: CampaignRoom) => campaign.stockLeft < allowedToOrder(campaign);

/**
 * Units of the campaign the member may still order: its limit less what they hold already, no
 * more than are left, nor than one order takes (at least one: 立即参团 is offered only to a
 * member below the limit, while units are left).
 */
export const mayStillBuy = (campaign: CampaignRoom) =>
  Math.max(1, Math.min(allowedToOrder(campaign), campaign.stockLeft));

interface CheckoutState {
  campaign: ShopperCampaign | null;
  quantity: number;
  usePoints: boolean;
  pointsAvailable: number;
  /** The member's coupons usable now, and the one chosen for this order. */
  coupons: MemberCoupon[];
  couponId: string | null;
  /**
   * Whether the member's points and coupons are known: until they are, or when they could not
   * be read, the page says so (and offers to read them again) rather than "none".
   */
  savings: 'loading' | 'loaded' | 'failed';
  quote: QuoteResponse | null;
  idempotencyKey: string;
  submitting: boolean;
  error: string | null;
  /**
   * The order placed and not paid (paying failed or was given up): paying again pays it, and
   * the basket cannot change while it is kept, for a changed one would be a second order beside
   * it, refused the coupon and the points it holds and counted against the limit.
   */
  keptOrder: { id: string; expiresAt: string } | null;
  start(campaign: ShopperCampaign): Promise<void>;
  setQuantity(quantity: number): Promise<void>;
  setUsePoints(usePoints: boolean): Promise<void>;
  setCoupon(couponId: string | null): Promise<void>;
  /** Asks for the price again, after it could not be worked out. */
  retryQuote(): Promise<void>;
  /** Reads the member's points and coupons again, after they could not be read, and the price. */
  reloadSavings(): Promise<void>;
  /** Places the order and pays it; resolves with the order as it stands after paying (paid, or closed if too late). */
  submit(): Promise<OrderView | null>;
}

/** What the store holds before a checkout starts, and again once the member changes. */
const EMPTY: Pick<
  CheckoutState,
  | 'campaign'
  | 'quantity'
  | 'usePoints'
  | 'pointsAvailable'
  | 'coupons'
  | 'couponId'
  | 'savings'
  | 'quote'
  | 'submitting'
  | 'error'
  | 'keptOrder'
> = {
  campaign: null,
  quantity: 1,
  usePoints: false,
  pointsAvailable: 0,
  coupons: [],
  couponId: null,
  savings: 'loading',
  quote: null,
  submitting: false,
  error: null,
  keptOrder: null,
};

export const useCheckoutStore = create<CheckoutState>()((set, get) => {
  const requestBody = () => {
    const { campaign, quantity, usePoints, pointsAvailable, couponId } = get();
    if (!campaign) throw new Error('checkout has no campaign');
    return {
      items: [{ campaignId: campaign.id, quantity }],
      ...(usePoints && pointsAvailable > 0 ? { pointsToUse: pointsAvailable } : {}),
      ...(couponId ? { couponId } : {}),
    };
  };
  // Only the answer to the latest change may be shown; until it comes, nothing can be paid.
  let latestQuote = 0;
  const refreshQuote = async () => {
    const asked = ++latestQuote;
    set({ quote: null });
    try {
      const quote = await api.orders.quote(requestBody());
      if (asked === latestQuote) set({ quote, error: null });
    } catch (error) {
      if (asked === latestQuote)
        set({ quote: null, error: campaignMessageFor(error, '价格计算失败') });
    }
  };

  /**
   * The member's points and the coupons usable now (not those valid from a later day); a chosen
   * coupon no longer among them is dropped. What could not be read stays as it was.
   */
  const refreshSavings = async () => {
    set({ savings: 'loading' });
    const now = serverNow();
    const [wallet, available] = await Promise.allSettled([
      api.points.wallet(),
      everyPage((cursor) => api.coupons.mine({ state: 'available', limit: 100, cursor })),
    ]);
    if (wallet.status === 'fulfilled') set({ pointsAvailable: wallet.value.available });
    if (available.status === 'fulfilled') {
      const coupons = available.value.filter((c) => new Date(c.validFrom).getTime() <= now);
      const { couponId } = get();
      set({ coupons, couponId: coupons.some((c) => c.id === couponId) ? couponId : null });
    }
    const read = wallet.status === 'fulfilled' && available.status === 'fulfilled';
    set({ savings: read ? 'loaded' : 'failed' });
  };

  /**
   * Counts the checkouts started: an order still being placed or paid for one left since for
   * another leaves that one alone (it waits in 订单 if it was placed and not paid).
   */
  let checkoutStarted = 0;

  resetOnMemberChange(() => {
    latestQuote += 1;
    checkoutStarted += 1;
    set({ ...EMPTY, idempotencyKey: newIdempotencyKey() });
  });

  return {
    ...EMPTY,
    idempotencyKey: newIdempotencyKey(),

    async start(campaign) {
      latestQuote += 1; // a quote still on its way is for another checkout
      checkoutStarted += 1;
      set({
        campaign,
        submitting: false,
        quantity: 1,
        usePoints: false,
        pointsAvailable: 0,
        coupons: [],
        couponId: null,
        quote: null,
        error: null,
        keptOrder: null,
        idempotencyKey: newIdempotencyKey(),
      });
      await refreshSavings();
      await refreshQuote();
    },

    async setQuantity(quantity) {
      const { campaign, keptOrder } = get();
      if (keptOrder) return;
      const limit = campaign ? mayStillBuy(campaign) : 1;
      set({
        quantity: Math.max(1, Math.min(limit, quantity)),
        idempotencyKey: newIdempotencyKey(),
      });
      await refreshQuote();
    },

    async setUsePoints(usePoints) {
      if (get().keptOrder) return;
      set({ usePoints, idempotencyKey: newIdempotencyKey() });
      await refreshQuote();
    },

    async setCoupon(couponId) {
      if (get().keptOrder) return;
      set({ couponId, idempotencyKey: newIdempotencyKey() });
      await refreshQuote();
    },

    retryQuote: refreshQuote,

    async reloadSavings() {
      // The kept order holds what it was placed with: its points and coupon are gone from the
      // wallet, which would change the basket.
      if (get().keptOrder) return;
      const before = JSON.stringify(requestBody());
      await refreshSavings();
      // An order already sent with this key keeps it, unless what is ordered has changed.
      if (JSON.stringify(requestBody()) !== before) set({ idempotencyKey: newIdempotencyKey() });
      await refreshQuote();
    },

    async submit() {
      const { quote, submitting } = get();
      if (submitting || !quote) return null;
      set({ submitting: true, error: null });
      const started = checkoutStarted;
      const left = () => started !== checkoutStarted;
      let placed: OrderView | null = null;
      try {
        // The order is placed only at the price shown; any other is refused and shown instead.
        placed = await api.orders.create(
          { ...requestBody(), expectedPayable: quote.payable },
          get().idempotencyKey,
        );
        // Not paid over another checkout: the order placed waits in 订单.
        if (left()) return null;
        const afterPaying = await payOrder(placed.id);
        if (left()) return null;
        set({ submitting: false, keptOrder: null });
        return afterPaying;
      } catch (error) {
        if (left()) return null;
        if (
          error instanceof ApiError &&
          (error.code === ErrorCode.PriceChanged || error.code === ErrorCode.CouponNotUsable)
        ) {
          // Points or the coupon went to another order meanwhile: the price shown is redone.
          set({ idempotencyKey: newIdempotencyKey() });
          await refreshSavings();
          await refreshQuote();
          if (left()) return null;
          set({ submitting: false, error: messageFor(error) });
          return null;
        }
        // A payment whose answer was lost may have gone through: what the BFF holds decides.
        const now = placed ? await api.orders.get(placed.id).catch(() => null) : null;
        if (left()) return null;
        if (now?.state === 'cancelled') {
          // The order kept for paying again lapsed unpaid meanwhile: the next tap places a new one.
          set({
            idempotencyKey: newIdempotencyKey(),
            submitting: false,
            keptOrder: null,
            error: '订单已超时取消，可重新下单',
          });
          return null;
        }
        if (now && now.state !== 'pending_payment') {
          set({ submitting: false, keptOrder: null });
          return now;
        }
        // A placed order waits until its deadline: paying again here or from 订单 pays that one.
        set({
          submitting: false,
          keptOrder: placed ? { id: placed.id, expiresAt: placed.expiresAt } : get().keptOrder,
          error: placed
            ? unpaidMessage(error, placed.expiresAt)
            : campaignMessageFor(error, '下单失败，请重试'),
        });
        return null;
      }
    },
  };
});
