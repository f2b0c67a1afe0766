import type { PointsEntry, PointsEntryType, PointsWallet } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';

const PAGE_SIZE = 20;

/**
 * Counts the lists shown: a page that arrives after another filter (or the same one again) was
 * chosen belongs to a list no longer on screen and is dropped.
 */
let shown = 0;
/** Counts the wallet's readings: only the newest one's answer is shown. */
let walletRead = 0;

interface PointsState {
  wallet: PointsWallet | null;
  walletError: string | null;
  entries: PointsEntry[];
  filter: PointsEntryType | null;
  nextCursor: string | null;
  /** True until the first page of the current filter has arrived. */
  entriesLoading: boolean;
  loadingMore: boolean;
  entriesError: string | null;
  loadWallet(): Promise<void>;
  /** Shows the journal from the newest entry, of one type or all. */
  showEntries(filter: PointsEntryType | null): Promise<void>;
  loadMore(): Promise<void>;
}

/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<
  PointsState,
  | 'wallet'
  | 'walletError'
  | 'entries'
  | 'filter'
  | 'nextCursor'
  | 'entriesLoading'
  | 'loadingMore'
  | 'entriesError'
> = {
  wallet: null,
  walletError: null,
  entries: [],
  filter: null,
  nextCursor: null,
  entriesLoading: false,
  loadingMore: false,
  entriesError: null,
};

export const usePointsStore = create<PointsState>()((set, get) => ({
  ...EMPTY,

  async loadWallet() {
    const mine = ++walletRead;
    try {
      const wallet = await api.points.wallet();
      // Read again meanwhile (after a redemption, say): this answer is older than what shows.
      if (mine === walletRead) set({ wallet, walletError: null });
    } catch (error) {
      if (mine === walletRead) set({ walletError: messageFor(error, '积分加载失败') });
    }
  },

  async showEntries(filter) {
    const list = ++shown;
    set({
      filter,
      entries: [],
      nextCursor: null,
      entriesLoading: true,
      loadingMore: false,
      entriesError: null,
    });
    try {
      const page = await api.points.entries({ type: filter ?? undefined, limit: PAGE_SIZE });
      if (list !== shown) return;
      set({ entries: page.items, nextCursor: page.nextCursor, entriesLoading: false });
    } catch (error) {
      if (list === shown)
        set({ entriesLoading: false, entriesError: messageFor(error, '记录加载失败') });
    }
  },

  async loadMore() {
    const { nextCursor, filter, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    const list = shown;
    set({ loadingMore: true });
    try {
      const page = await api.points.entries({
        type: filter ?? undefined,
        limit: PAGE_SIZE,
        cursor: nextCursor,
      });
      if (list !== shown) return;
      set((state) => ({
        entries: [...state.entries, ...page.items],
        nextCursor: page.nextCursor,
        loadingMore: false,
        entriesError: null,
      }));
    } catch (error) {
      if (list === shown)
        set({ loadingMore: false, entriesError: messageFor(error, '记录加载失败') });
    }
  },
}));

resetOnMemberChange(() => {
  shown += 1; // a page still on its way belongs to the member before
  walletRead += 1;
  usePointsStore.setState(EMPTY);
});
