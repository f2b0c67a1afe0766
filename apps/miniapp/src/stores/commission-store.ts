import type { CommissionEntry, CommissionTotals, Withdrawal } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { newIdempotencyKey } from '../services/idempotency-key';

const PAGE_SIZE = 20;

interface CommissionState {
  totals: CommissionTotals | null;
  entries: CommissionEntry[];
  nextCursor: string | null;
  withdrawals: Withdrawal[];
  loading: boolean;
  loadingMore: boolean;
  submitting: boolean;
  error: string | null;
  /** Totals, the newest ledger entries and the withdrawals, from the start. */
  load(): Promise<void>;
  loadMore(): Promise<void>;
  /** Asks for amount fen to be paid out; true once the request is recorded. */
  withdraw(amount: number): Promise<boolean>;
}

export const useCommissionStore = create<CommissionState>()((set, get) => ({
  totals: null,
  entries: [],
  nextCursor: null,
  withdrawals: [],
  loading: false,
  loadingMore: false,
  submitting: false,
  error: null,

  async load() {
    set({ loading: true });
    try {
      const [overview, withdrawals] = await Promise.all([
        api.leader.commissions({ limit: PAGE_SIZE }),
        api.leader.withdrawals(),
      ]);
      set({
        totals: overview.totals,
        entries: overview.entries.items,
        nextCursor: overview.entries.nextCursor,
        withdrawals,
        loading: false,
        error: null,
      });
    } catch (error) {
      set({ loading: false, error: messageFor(error, '佣金加载失败') });
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

  async withdraw(amount) {
    set({ submitting: true });
    try {
      await api.leader.withdraw(amount, newIdempotencyKey());
      set({ submitting: false, error: null });
      await get().load();
      return true;
    } catch (error) {
      set({ submitting: false, error: messageFor(error, '提现申请失败，请重试') });
      return false;
    }
  },
}));
