import type { CommissionEntry, CommissionTotals, Withdrawal } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { isForbidden, messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';
import { newIdempotencyKey } from '../services/idempotency-key';
import { emptyList, type ListReader, type PagedList, pagedList } from './paged-list';

const PAGE_SIZE = 20;

/**
 * Orders the withdrawals' tries and the readings of the page: a reading shows a withdrawal only
 * when it began after the try ended.
 */
let sequence = 0;
/**
 * The key of a withdrawal not yet answered, reused when the leader tries the same amount again;
 * dropped by a reading of the page that began after its last try ended (`endedAt`), whose
 * withdrawals then show whether it went through.
 */
let withdrawing: { amount: number; key: string; endedAt?: number } | null = null;
/** The newest reading of the page: an older one's answer, coming late, is not shown. */
let reading = 0;

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
    const startedAt = ++sequence;
    const mine = ++reading;
    set({ loading: true });
    try {
      const [overview] = await Promise.all([
        api.leader.commissions({ limit: PAGE_SIZE }),
        withdrawals.load(),
      ]);
      if (mine !== reading) return;
      // The withdrawals on screen now say whether one whose answer was lost went through.
      if (withdrawing?.endedAt !== undefined && withdrawing.endedAt < startedAt) withdrawing = null;
      set({
        totals: overview.totals,
        entries: overview.entries.items,
        nextCursor: overview.entries.nextCursor,
        loading: false,
        notLeader: false,
        error: null,
      });
    } catch (error) {
      if (mine !== reading) return;
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
    const mine = reading;
    try {
      const overview = await api.leader.commissions({ limit: PAGE_SIZE, cursor: nextCursor });
      // Read again from the start meanwhile: this page and its totals are older than what shows.
      if (mine !== reading) {
        set({ loadingMore: false });
        return;
      }
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
    const asked = withdrawing;
    asked.endedAt = undefined;
    set({ submitting: true });
    try {
      await api.leader.withdraw(amount, asked.key);
      withdrawing = null;
      set({ submitting: false, error: null });
      await get().load();
      return true;
    } catch (error) {
      // A withdrawal whose answer was lost may have gone through: the totals and withdrawals
      // read again show it. A tap again on the same amount is still its retry, with its key;
      // none is taken until the reading is done.
      asked.endedAt = ++sequence;
      await get().load();
      withdrawing = asked;
      set({ submitting: false, error: messageFor(error, '提现申请失败，请重试') });
      return false;
    }
  },
}));

resetOnMemberChange(() => {
  withdrawing = null;
  reading += 1;
  withdrawals.reset();
  useCommissionStore.setState(EMPTY);
});
