import type { NotificationView } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';

interface NotificationsState {
  items: NotificationView[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
  loadMore(): Promise<void>;
}

/** What the BFF told the member: refunds, arrivals, pickups, decisions. */
/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<NotificationsState, 'items' | 'nextCursor' | 'loading' | 'error'> = {
  items: [],
  nextCursor: null,
  loading: false,
  error: null,
};

export const useNotificationsStore = create<NotificationsState>()((set, get) => ({
  ...EMPTY,

  async load() {
    set({ loading: true });
    try {
      const page = await api.notifications.list({ limit: 20 });
      set({ items: page.items, nextCursor: page.nextCursor, loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: messageFor(error, '消息加载失败') });
    }
  },

  async loadMore() {
    const { nextCursor, loading, items } = get();
    if (!nextCursor || loading) return;
    set({ loading: true });
    try {
      const page = await api.notifications.list({ limit: 20, cursor: nextCursor });
      set({ items: [...items, ...page.items], nextCursor: page.nextCursor, loading: false });
    } catch (error) {
      set({ loading: false, error: messageFor(error, '消息加载失败') });
    }
  },
}));

resetOnMemberChange(() => useNotificationsStore.setState(EMPTY));
