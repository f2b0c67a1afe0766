import type { CommissionEntry, CommissionTotals, Withdrawal } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { isForbidden, messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';
import { newIdempotencyKey } from '../services/idempotency-key';
import { emptyList, type ListReader, type PagedList, pagedList } from './paged-list';

const PAGE_SIZE = 20;

/**
 * The key of a withdrawal not yet answered, reused when the leader tries the same amount again;
 * dropped when the page is opened again, its withdrawals then showing whether it went through.
 */
let withdrawing: { amount: number; key: string } | null = null;

interface CommissionState {
  totals: CommissionTotals | null;
  entries: CommissionEntry[];
  nextCursor: string | null;
  /** The point's withdrawals, newest first. */
  withdrawals: PagedList<Withdrawal>;
  loading: boolean;
  loadingMore: boolean;
  submitting: boolean;
  /** The BFF said the member leads no pickup point. */
  notLeader: boolean;
  error: string | null;
  /** Totals, the newest ledger entries and the withdrawals, from the start. */
  load(): Promise<void>;
  loadMore(): Promise<void>;
  /** The next, older page of withdrawals. */
  loadMoreWithdrawals(): Promise<void>;
  /** Asks for amount fen to be paid out; true once the request is recorded. */
  withdraw(amount: number): Promise<boolean>;
}

/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<
  CommissionState,
  | 'totals'
  | 'entries'
  | 'nextCursor'
  | 'withdrawals'
  | 'loading'
  | 'loadingMore'
  | 'submitting'
  | 'notLeader'
  | 'error'
> = {
  totals: null,
  entries: [],
  nextCursor: null,
  withdrawals: emptyList(),
  loading: false,
  loadingMore: false,
  submitting: false,
  notLeader: false,
  error: null,
};

const withdrawals: ListReader = pagedList(
  (cursor) => api.leader.withdrawals({ limit: PAGE_SIZE, cursor }),
  () => useCommissionStore.getState().withdrawals,
  (list) => useCommissionStore.setState({ withdrawals: list }),
);

export const useCommissionStore = create<CommissionState>()((set, get) => ({
  ...EMPTY,

  async load() {
    set({ loading: true });
    try {
      const [overview] = await Promise.all([
        api.leader.commissions({ limit: PAGE_SIZE }),
        withdrawals.load(),
      ]);
      // The withdrawals on screen now say whether one whose answer was lost went through.
      withdrawing = null;
      set({
        totals: overview.totals,
        entries: overview.entries.items,
        nextCursor: overview.entries.nextCursor,
        loading: false,
        notLeader: false,
        error: null,
      });
    } catch (error) {
      set({
        loading: false,
        notLeader: isForbidden(error),
        error: messageFor(error, '佣金加载失败'),
      });
    }
  },

  async loadMore() {
    const { nextCursor, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    set({ loadingMore: true });
    try {
      const overview = await api.leader.commissions({ limit: PAGE_SIZE, cursor: nextCursor });
      set((state) => ({
        totals: overview.totals,
        entries: [...state.entries, ...overview.entries.items],
        nextCursor: overview.entries.nextCursor,
        loadingMore: false,
      }));
    } catch (error) {
      set({ loadingMore: false, error: messageFor(error, '佣金加载失败') });
    }
  },

  async loadMoreWithdrawals() {
    try {
      await withdrawals.loadMore();
    } catch (error) {
      set({ error: messageFor(error, '提现记录加载失败') });
    }
  },

  async withdraw(amount) {
    if (get().submitting) return false;
    if (withdrawing?.amount !== amount) withdrawing = { amount, key: newIdempotencyKey() };
    set({ submitting: true });
    try {
      await api.leader.withdraw(amount, withdrawing.key);
      withdrawing = null;
      set({ submitting: false, error: null });
      await get().load();
      return true;
    } catch (error) {
      // A withdrawal whose answer was lost may have gone through: the totals and withdrawals
      // read again show it. A tap again on the same amount is still its retry, with its key;
      // none is taken until the reading is done.
      const unanswered = withdrawing;
      await get().load();
      withdrawing = unanswered;
      set({ submitting: false, error: messageFor(error, '提现申请失败，请重试') });
      return false;
    }
  },
}));

resetOnMemberChange(() => {
  withdrawing = null;
  withdrawals.reset();
  useCommissionStore.setState(EMPTY);
});
