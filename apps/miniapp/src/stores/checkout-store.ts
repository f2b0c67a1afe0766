import type { MemberCoupon, OrderView, QuoteResponse, ShopperCampaign } from '@linli/api-contract';
import { ApiError, everyPage } from '@linli/api-client';
import { ErrorCode, MOST_UNITS_PER_ORDER_LINE } from '@linli/shared';
import { create } from 'zustand';
import { api } from '../services/api';
import { campaignMessageFor, messageFor } from '../services/error-messages';
import { formatTime } from '../services/format';
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

/**
 * Whether a failure leaves it unknown if the order was placed: no answer, or one a gateway put
 * in the BFF's place. A refusal from the BFF placed nothing.
 */
const outcomeUnknown = (error: unknown) =>
  !(error instanceof ApiError) || error.code === ErrorCode.NetworkError || error.status >= 500;

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
   * Why the basket cannot change: an order was placed with it and not paid (paying failed or
   * was given up), or it was sent and no answer came. Trying again pays, or places, that order;
   * a changed basket would be a second order beside it, refused the coupon and the points it
   * holds and counted against the limit.
   */
  held: 'unpaid' | 'unanswered' | null;
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
  | 'held'
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
  held: null,
};

/** What a held basket's checkout shows again when the member comes back to its group-buy. */
type HeldCheckout = Pick<
  CheckoutState,
  | 'quantity'
  | 'usePoints'
  | 'pointsAvailable'
  | 'coupons'
  | 'couponId'
  | 'quote'
  | 'idempotencyKey'
  | 'error'
  | 'held'
>;

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
  /** The held baskets, by group-buy: kept until their order is paid or closed. */
  const heldBaskets = new Map<string, HeldCheckout>();
  resetOnMemberChange(() => {
    latestQuote += 1;
    checkoutStarted += 1;
    heldBaskets.clear();
    set({ ...EMPTY, idempotencyKey: newIdempotencyKey() });
  });

  return {
    ...EMPTY,
    idempotencyKey: newIdempotencyKey(),

    async start(campaign) {
      latestQuote += 1; // a quote still on its way is for another checkout
      checkoutStarted += 1;
      // Back to a group-buy whose basket is held: the same basket, price and key.
      const held = heldBaskets.get(campaign.id);
      if (held) {
        set({ campaign, submitting: false, savings: 'loaded', ...held });
        return;
      }
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
        held: null,
        idempotencyKey: newIdempotencyKey(),
      });
      await refreshSavings();
      await refreshQuote();
    },

    async setQuantity(quantity) {
      const { campaign, held } = get();
      if (held) return;
      const limit = campaign ? mayStillBuy(campaign) : 1;
      set({
        quantity: Math.max(1, Math.min(limit, quantity)),
        idempotencyKey: newIdempotencyKey(),
      });
      await refreshQuote();
    },

    async setUsePoints(usePoints) {
      if (get().held) return;
      set({ usePoints, idempotencyKey: newIdempotencyKey() });
      await refreshQuote();
    },

    async setCoupon(couponId) {
      if (get().held) return;
      set({ couponId, idempotencyKey: newIdempotencyKey() });
      await refreshQuote();
    },

    retryQuote: refreshQuote,

    async reloadSavings() {
      // A held basket's order holds its points and coupon, gone from the wallet: reading them
      // again would change the basket.
      if (get().held) return;
      const before = JSON.stringify(requestBody());
      await refreshSavings();
      // An order already sent with this key keeps it, unless what is ordered has changed.
      if (JSON.stringify(requestBody()) !== before) set({ idempotencyKey: newIdempotencyKey() });
      await refreshQuote();
    },

    async submit() {
      const { quote, submitting, campaign } = get();
      if (submitting || !quote || !campaign) return null;
      set({ submitting: true, error: null });
      const started = checkoutStarted;
      const left = () => started !== checkoutStarted;
      // What is ordered, as it stands when sent: the checkout shown may be another one by the
      // time the answer comes.
      const { quantity, usePoints, pointsAvailable, coupons, couponId, idempotencyKey } = get();
      const basket = { quantity, usePoints, pointsAvailable, coupons, couponId, quote };
      const request = { ...requestBody(), expectedPayable: quote.payable };
      /** The checkout's end: its basket held (and why), or let go; shown while still on it. */
      const end = (held: CheckoutState['held'], error: string | null, newKey = false) => {
        if (held) heldBaskets.set(campaign.id, { ...basket, idempotencyKey, held, error });
        else heldBaskets.delete(campaign.id);
        if (left()) return;
        set({
          submitting: false,
          held,
          error,
          ...(newKey ? { idempotencyKey: newIdempotencyKey() } : {}),
        });
      };
      let placed: OrderView | null = null;
      try {
        // The order is placed only at the price shown; any other is refused and shown instead.
        placed = await api.orders.create(request, idempotencyKey);
        // Not paid over another checkout: the order placed waits, in 订单 and in its checkout.
        if (left()) {
          end('unpaid', `订单保留至 ${formatTime(placed.expiresAt)}，可再次支付`);
          return null;
        }
        const afterPaying = await payOrder(placed.id);
        end(null, null);
        return left() ? null : afterPaying;
      } catch (error) {
        if (
          error instanceof ApiError &&
          (error.code === ErrorCode.PriceChanged || error.code === ErrorCode.CouponNotUsable)
        ) {
          heldBaskets.delete(campaign.id);
          if (left()) return null;
          // Points or the coupon went to another order meanwhile: the price shown is redone.
          set({ idempotencyKey: newIdempotencyKey() });
          await refreshSavings();
          await refreshQuote();
          if (!left()) set({ submitting: false, error: messageFor(error) });
          return null;
        }
        // A payment whose answer was lost may have gone through: what the BFF holds decides.
        const now = placed ? await api.orders.get(placed.id).catch(() => null) : null;
        if (now?.state === 'cancelled') {
          // The order kept for paying again lapsed unpaid meanwhile: the next tap places a new one.
          end(null, '订单已超时取消，可重新下单', true);
          return null;
        }
        if (now && now.state !== 'pending_payment') {
          end(null, null);
          return left() ? null : now;
        }
        // A placed order waits until its deadline: paying again here or from 订单 pays that one.
        if (placed) {
          end('unpaid', unpaidMessage(error, placed.expiresAt));
          return null;
        }
        // No answer to placing it: the order may be there, and trying again finds it.
        end(
          outcomeUnknown(error) ? 'unanswered' : null,
          campaignMessageFor(error, '下单失败，请重试'),
        );
        return null;
      }
    },
  };
});
