import { useDidShow } from '@tarojs/taro';
import { useNotificationsStore } from '../stores/notifications-store';

/**
 * For every tab page: counts the member's unread notices each time the page shows, and so keeps
 * the badge on the 我的 tab current (only the tab page shown can set it). Answers the count.
 */
export function useUnreadBadge(): number {
  const { unread, loadUnread } = useNotificationsStore();
  useDidShow(() => void loadUnread());
  return unread;
}
