import type { OrderStage, OrderView, RefundView, ReviewView } from '@linli/api-contract';
import { ApiError } from '@linli/api-client';
import { ErrorCode } from '@linli/shared';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';
import { newIdempotencyKey } from '../services/idempotency-key';
import { payOrder, unpaidMessage } from '../services/payment';

const PAGE_SIZE = 20;

/**
 * Counts the lists shown: a page that arrives after another tab (or the same one again) was
 * chosen belongs to a list no longer on screen and is dropped.
 */
let shown = 0;

/** The key of a cancel not yet answered, reused when the shopper tries again. */
let cancelling: { orderId: string; key: string } | null = null;
/** The after-sales request not yet answered, and its key, reused while it is asked for again. */
let askingRefund: { request: string; key: string } | null = null;
let reviewing: { request: string; key: string } | null = null;
/** The order whose detail was asked for last: only its answer is shown. */
let opening: string | null = null;
/**
 * Whether the order page shows this order still: an action on it that ends once the shopper
 * has gone on to another order leaves that one as it is.
 */
const isShown = (orderId: string) => opening === orderId;

interface OrdersState {
  /** The tab of the list: the orders of one stage, or all of them (null). */
  stage: OrderStage | null;
  orders: OrderView[];
  /** Where the next, older page starts; null once every order is shown. */
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** The order open on the detail page, with its after-sales requests. */
  current: OrderView | null;
  refunds: RefundView[];
  submitting: boolean;
  /** Reads the list of the tab shown again from its newest order, keeping it on screen meanwhile. */
  load(): Promise<void>;
  /** Shows another tab, from its newest order. */
  showStage(stage: OrderStage | null): Promise<void>;
  loadMore(): Promise<void>;
  open(orderId: string): Promise<void>;
  /** Pays the open order when it still awaits payment (the WeChat Pay sheet was closed). */
  pay(): Promise<void>;
  cancel(): Promise<void>;
  /** Asks for units of some lines back; true once the request is recorded. */
  requestRefund(quantities: Record<string, number>, reason: string): Promise<boolean>;
  /** Reviews a line of the order shown; says whether it was written. */
  review(orderLineId: string, rating: number, text: string): Promise<ReviewView | null>;
}

/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<
  OrdersState,
  'stage' | 'orders' | 'nextCursor' | 'loading' | 'error' | 'current' | 'refunds' | 'submitting'
> = {
  stage: null,
  orders: [],
  nextCursor: null,
  loading: false,
  error: null,
  current: null,
  refunds: [],
  submitting: false,
};

export const useOrdersStore = create<OrdersState>()((set, get) => ({
  ...EMPTY,

  async load() {
    const list = ++shown;
    set({ loading: true });
    try {
      const page = await api.orders.list({ limit: PAGE_SIZE, stage: get().stage ?? undefined });
      if (list !== shown) return;
      set({ orders: page.items, nextCursor: page.nextCursor, loading: false, error: null });
    } catch (error) {
      if (list === shown) set({ loading: false, error: messageFor(error, '订单加载失败') });
    }
  },

  async showStage(stage) {
    set({ stage, orders: [], nextCursor: null, error: null });
    await get().load();
  },

  async loadMore() {
    const { nextCursor, loading, stage } = get();
    if (!nextCursor || loading) return;
    const list = shown;
    set({ loading: true });
    try {
      const page = await api.orders.list({
        limit: PAGE_SIZE,
        cursor: nextCursor,
        stage: stage ?? undefined,
      });
      if (list !== shown) return;
      set((state) => ({
        orders: [...state.orders, ...page.items],
        nextCursor: page.nextCursor,
        loading: false,
      }));
    } catch (error) {
      if (list === shown) set({ loading: false, error: messageFor(error, '订单加载失败') });
    }
  },

  async open(orderId) {
    opening = orderId;
    if (get().current?.id !== orderId) set({ current: null, refunds: [], error: null });
    set({ loading: true });
    try {
      const [current, refunds] = await Promise.all([
        api.orders.get(orderId),
        api.orders.refunds(orderId),
      ]);
      // The answer for an order left meanwhile for another one is not shown on that one.
      if (opening !== orderId) return;
      // The refunds read show whether a request whose answer was lost went through: the next
      // one is a request of its own, unless one is on its way now.
      if (!get().submitting) askingRefund = null;
      set({ current, refunds, loading: false, error: null });
    } catch (error) {
      if (opening === orderId) set({ loading: false, error: messageFor(error, '订单加载失败') });
    }
  },

  async pay() {
    const order = get().current;
    if (!order) return;
    set({ submitting: true });
    let unpaid: string | null = null;
    try {
      const after = await payOrder(order.id);
      // Paid, but WeChat Pay's word of it has not reached the BFF yet.
      if (after.state === 'pending_payment') unpaid = '支付结果确认中，请稍后再看';
    } catch (error) {
      unpaid = unpaidMessage(error, order.expiresAt);
    }
    // The page may show another order by now: that one is left as it is.
    if (isShown(order.id)) await get().open(order.id);
    // A payment whose answer was lost may have gone through: only an order still unpaid says so.
    const stillUnpaid = isShown(order.id) && get().current?.state === 'pending_payment';
    set({ submitting: false, ...(unpaid && stillUnpaid ? { error: unpaid } : {}) });
  },

  async cancel() {
    const order = get().current;
    if (!order) return;
    // A retry after a lost answer sends the same key, so it gets that answer, not a 409.
    if (cancelling?.orderId !== order.id)
      cancelling = { orderId: order.id, key: newIdempotencyKey() };
    const { key } = cancelling;
    set({ submitting: true });
    try {
      const current = await api.orders.cancel(order.id, key);
      cancelling = null;
      set({ submitting: false, ...(isShown(order.id) ? { current, error: null } : {}) });
    } catch (error) {
      if (!isShown(order.id)) {
        set({ submitting: false });
        return;
      }
      // The order may have moved on meanwhile (paid, or closed when its time ran out): shown as
      // it is now, with the reason. Cancelled, it is what was asked: by this try, whose answer
      // was lost, or otherwise.
      await get().open(order.id);
      if (isShown(order.id) && get().current?.state === 'cancelled') {
        cancelling = null;
        set({ submitting: false, error: null });
        return;
      }
      const paying = error instanceof ApiError && error.details?.paying === true;
      set({
        submitting: false,
        ...(isShown(order.id)
          ? {
              error: paying
                ? '这笔订单正在付款，请稍后再看'
                : messageFor(error, '取消失败，请重试'),
            }
          : {}),
      });
    }
  },

  async requestRefund(quantities, reason) {
    const order = get().current;
    const lines = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([orderLineId, quantity]) => ({ orderLineId, quantity }));
    if (!order || lines.length === 0) {
      set({ error: '请选择要退的商品' });
      return false;
    }
    // A retry of the same request after a lost answer sends the same key: one request, not two.
    const request = JSON.stringify([order.id, lines, reason]);
    if (askingRefund?.request !== request) askingRefund = { request, key: newIdempotencyKey() };
    set({ submitting: true });
    try {
      await api.orders.requestRefund(order.id, { lines, reason }, askingRefund.key);
      askingRefund = null;
      set({ submitting: false, ...(isShown(order.id) ? { error: null } : {}) });
      if (isShown(order.id)) await get().open(order.id);
      return true;
    } catch (error) {
      set({
        submitting: false,
        ...(isShown(order.id) ? { error: messageFor(error, '申请失败，请重试') } : {}),
      });
      return false;
    }
  },

  async review(orderLineId, rating, text) {
    const order = get().current;
    if (!order) return null;
    // A retry of the same review after a lost answer sends the same key.
    const request = JSON.stringify([order.id, orderLineId, rating, text]);
    if (reviewing?.request !== request) reviewing = { request, key: newIdempotencyKey() };
    set({ submitting: true });
    try {
      const written = await api.orders.review(
        order.id,
        { orderLineId, rating, text },
        reviewing.key,
      );
      reviewing = null;
      set({ submitting: false, ...(isShown(order.id) ? { error: null } : {}) });
      if (isShown(order.id)) await get().open(order.id);
      return written;
    } catch (error) {
      set({ submitting: false });
      if (!isShown(order.id)) return null;
      set({ error: messageFor(error, '评价失败，请重试') });
      // Written already, by a try whose answer was lost: shown as it is.
      if (error instanceof ApiError && error.code === ErrorCode.ReviewAlreadyWritten) {
        reviewing = null;
        await get().open(order.id);
        if (isShown(order.id)) set({ error: messageFor(error) });
      }
      return null;
    }
  },
}));

resetOnMemberChange(() => {
  shown += 1; // a page still on its way belongs to the member before
  cancelling = null;
  askingRefund = null;
  reviewing = null;
  useOrdersStore.setState(EMPTY);
});
