import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro';
import type { NotificationView } from '@linli/api-contract';
import { LoadFailed } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { useOpenPage } from '../../../hooks/use-open-page';
import { formatDateTime } from '../../../services/format';
import { useAuthStore } from '../../../stores/auth-store';
import { useNotificationsStore } from '../../../stores/notifications-store';
import './index.scss';

/**
 * Opens what a notice is about: its order, the member card, the points wallet, the rewards mall
 * (whose 我的兑换 has the pickup code), a leader's deliveries or commission, or the application.
 */
function useOpenNotice(): (notice: NotificationView) => void {
  const openPage = useOpenPage();
  return (notice) => {
    const orderId = notice.data.orderId;
    if (typeof orderId === 'string') openPage(`/subpackages/shop/order/index?id=${orderId}`);
    else if (notice.kind === 'tier_changed') void Taro.switchTab({ url: '/pages/member/index' });
    else if (
      ['points_expiring', 'birthday_gift', 'referral_rewarded', 'referral_reversed'].includes(
        notice.kind,
      )
    )
      openPage('/subpackages/member/points/index');
    else if (['reward_ready', 'reward_cancelled'].includes(notice.kind))
      openPage('/subpackages/member/rewards/index');
    else if (notice.kind === 'coupon_withdrawn') openPage('/subpackages/member/coupons/index');
    else if (['pickup_postponed', 'delivery_dispatched'].includes(notice.kind))
      openPage('/subpackages/leader/deliveries/index');
    else if (notice.kind === 'withdrawal_decided') openPage('/subpackages/leader/commission/index');
    else if (notice.kind === 'leader_application_decided')
      openPage('/subpackages/leader/apply/index');
  };
}

export default function NotificationsPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { items, unread, loading, error, load, loadMore, markAllRead } = useNotificationsStore();
  const open = useOpenNotice();
  useDidShow(() => {
    if (loggedIn) void load();
  });
  useReachBottom(() => {
    if (loggedIn) void loadMore();
  });

  if (!loggedIn) return <LogInFirst title="登录后查看消息" />;

  if (items.length === 0) {
    return (
      <View className="page placeholder">
        {error ? (
          <LoadFailed message={error} retrying={loading} onRetry={() => void load()} />
        ) : (
          <Text className="notifications-empty">{loading ? '加载中…' : '暂时没有消息'}</Text>
        )}
      </View>
    );
  }
  return (
    <View className="page notifications">
      {error && <Text className="notifications-error">{error}</Text>}
      {unread > 0 && !loading && (
        // Older unread notices than those shown, marked read only when scrolled to: or all at once.
        <View className="notifications-unread">
          <Text className="notifications-unread__count">{`还有 ${unread} 条未读`}</Text>
          <Text className="notifications-unread__all" onClick={() => void markAllRead()}>
            全部已读
          </Text>
        </View>
      )}
      {items.map((notice) => (
        <View
          key={notice.id}
          className={notice.read ? 'notice' : 'notice notice--unread'}
          onClick={() => open(notice)}
        >
          <View className="notice__head">
            <Text className="notice__title">{notice.title}</Text>
            <Text className="notice__time">{formatDateTime(notice.createdAt)}</Text>
          </View>
          <Text className="notice__body">{notice.body}</Text>
        </View>
      ))}
    </View>
  );
}
