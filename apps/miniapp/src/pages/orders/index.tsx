import { Text, View } from '@tarojs/components';
import { useDidShow, useReachBottom } from '@tarojs/taro';
import type { OrderStage } from '@linli/api-contract';
import { LoadFailed } from '../../components/load-failed';
import { LogInFirst } from '../../components/log-in-first';
import { OrderLineProduct } from '../../components/order-line-product';
import { useOpenPage } from '../../hooks/use-open-page';
import { formatDateTime, yuan } from '../../services/format';
import { ORDER_STAGE_LABELS, ORDER_STATE_LABELS } from '../../services/order-labels';
import { useAuthStore } from '../../stores/auth-store';
import { useOrdersStore } from '../../stores/orders-store';
import { useUnreadBadge } from '../../hooks/use-unread-badge';
import './index.scss';

/** 全部, then one tab per stage. */
const TABS: { stage: OrderStage | null; label: string }[] = [
  { stage: null, label: '全部' },
  ...(Object.keys(ORDER_STAGE_LABELS) as OrderStage[]).map((stage) => ({
    stage,
    label: ORDER_STAGE_LABELS[stage],
  })),
];

export default function OrdersPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { stage, orders, nextCursor, loading, error, load, showStage, loadMore } = useOrdersStore();
  const openPage = useOpenPage();

  useUnreadBadge();
  useDidShow(() => {
    if (loggedIn) void load();
  });
  useReachBottom(() => {
    if (loggedIn) void loadMore();
  });

  if (!loggedIn) return <LogInFirst title="登录后查看订单和取货码" />;

  const tabs = (
    <View className="chips orders-tabs">
      {TABS.map((tab) => (
        <Text
          key={tab.label}
          className={`chip orders-tab ${stage === tab.stage ? 'is-active' : ''}`}
          onClick={() => void showStage(tab.stage)}
        >
          {tab.label}
        </Text>
      ))}
    </View>
  );
  if (error && orders.length === 0) {
    return (
      <View className="page">
        {tabs}
        <View className="placeholder">
          <LoadFailed message={error} retrying={loading} onRetry={() => void load()} />
        </View>
      </View>
    );
  }
  if (!loading && !error && orders.length === 0) {
    return (
      <View className="page">
        {tabs}
        <View className="placeholder">
          {stage === null ? (
            <>
              <Text className="placeholder__title">还没有订单</Text>
              <Text>参加团购后，订单和取货码会出现在这里</Text>
            </>
          ) : (
            <Text className="placeholder__title orders-tab-empty">{`没有${ORDER_STAGE_LABELS[stage]}的订单`}</Text>
          )}
        </View>
      </View>
    );
  }

  return (
    <View className="page">
      {tabs}
      {error && <Text className="orders-error">{error}</Text>}
      {orders.map((order) => (
        <View
          key={order.id}
          className="order-card"
          onClick={() => openPage(`/subpackages/shop/order/index?id=${order.id}`)}
        >
          <View className="order-card__head">
            <Text className="order-card__time">{formatDateTime(order.createdAt)}</Text>
            <Text className={`order-state order-state--${order.state}`}>
              {ORDER_STATE_LABELS[order.state]}
            </Text>
          </View>
          {order.lines.map((line) => (
            <View key={line.campaignId} className="order-line">
              <OrderLineProduct line={line} />
              <Text>x{line.quantity}</Text>
            </View>
          ))}
          {order.state === 'ready_for_pickup' && (
            <Text className="order-card__pickup">到货啦，点开出示提货码</Text>
          )}
          <View className="order-card__foot">
            {order.pointsUsed > 0 && (
              <Text className="order-card__points">
                积分抵扣 -{yuan(order.pointsDiscount)}（{order.pointsUsed} 积分）
              </Text>
            )}
            <Text className="order-card__payable">实付 {yuan(order.payable)}</Text>
          </View>
        </View>
      ))}
      {loading && orders.length === 0 ? (
        <Text className="orders-hint">加载中…</Text>
      ) : nextCursor ? (
        loading && <Text className="orders-hint">加载更多…</Text>
      ) : (
        <Text className="orders-hint orders-end">没有更多了</Text>
      )}
    </View>
  );
}
