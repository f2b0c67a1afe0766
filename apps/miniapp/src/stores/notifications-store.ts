import type { NotificationView } from '@linli/api-contract';
import Taro from '@tarojs/taro';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { useAuthStore } from './auth-store';
import { resetOnMemberChange } from './session';

/** Where 我的 sits in the tab bar (app.config.ts). */
const MINE_TAB = 3;

interface NotificationsState {
  items: NotificationView[];
  nextCursor: string | null;
  /** The member's notices not read yet, as the BFF last counted them. */
  unread: number;
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  /**
   * Counts the unread notices (none when logged out) and shows the count on the 我的 tab: for
   * tab pages to call.
   */
  loadUnread(): Promise<void>;
  /**
   * 全部已读: every notice up to the newest one shown, older pages not yet scrolled to
   * included; one that arrived since stays unread.
   */
  markAllRead(): Promise<void>;
}

/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<NotificationsState, 'items' | 'nextCursor' | 'unread' | 'loading' | 'error'> = {
  items: [],
  nextCursor: null,
  unread: 0,
  loading: false,
  error: null,
};

/** The badge on the 我的 tab. Only a tab page has a tab bar to badge: elsewhere nothing changes. */
function badgeMineTab(unread: number): void {
  const change =
    unread > 0
      ? Taro.setTabBarBadge({ index: MINE_TAB, text: unread > 99 ? '99+' : String(unread) })
      : Taro.removeTabBarBadge({ index: MINE_TAB });
  void Promise.resolve(change).catch(() => undefined);
}

/** What the BFF told the member: refunds, arrivals, pickups, decisions. */
export const useNotificationsStore = create<NotificationsState>()((set, get) => {
  /**
   * Marks the notices just shown read. They keep their unread look until the inbox is opened
   * again; a failure leaves them unread, to be marked the next time they are shown.
   */
  const markShownRead = async (shown: NotificationView[]) => {
    const ids = shown.filter((n) => !n.read).map((n) => n.id);
    if (ids.length === 0) return;
    try {
      set({ unread: (await api.notifications.markRead(ids)).unread });
    } catch {
      // Still unread: counted and shown as such next time.
    }
  };

  return {
    ...EMPTY,

    async load() {
      set({ loading: true });
      try {
        const page = await api.notifications.list({ limit: 20 });
        set({ items: page.items, nextCursor: page.nextCursor, error: null });
        // Loading until the count excludes what is shown: no "还有 N 条未读" counting those.
        await markShownRead(page.items);
        set({ loading: false });
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
        await markShownRead(page.items);
      } catch (error) {
        set({ loading: false, error: messageFor(error, '消息加载失败') });
      }
    },

    async markAllRead() {
      const newest = get().items[0];
      if (!newest) return;
      try {
        const { unread } = await api.notifications.markAllRead(newest.id);
        set((state) => ({
          unread,
          error: null,
          items: state.items.map((n) => (n.read ? n : { ...n, read: true })),
        }));
        // Still some unread: they came after the list was shown, and are shown now.
        if (unread > 0) await get().load();
      } catch (error) {
        set({ error: messageFor(error, '没能标记为已读，请重试') });
      }
    },

    async loadUnread() {
      if (!useAuthStore.getState().accessToken) {
        // Logged out where no tab bar was shown: the badge goes now.
        set({ unread: 0 });
        badgeMineTab(0);
        return;
      }
      try {
        const { unread } = await api.notifications.unread();
        set({ unread });
        badgeMineTab(unread);
      } catch {
        // The count waits for the next page shown; nothing else depends on it.
      }
    },
  };
});

resetOnMemberChange(() => {
  useNotificationsStore.setState(EMPTY);
  badgeMineTab(0);
});
