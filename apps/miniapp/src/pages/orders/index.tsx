import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import type { OrderView } from '@linli/api-contract';
import { formatDateTime, yuan } from '../../services/format';
import { useAuthStore } from '../../stores/auth-store';
import { useOrdersStore } from '../../stores/orders-store';
import './index.scss';

const STATE_LABELS: Record<OrderView['state'], string> = {
  pending_payment: '待支付',
  paid: '已支付',
  confirmed: '已成团',
  delivering: '配送中',
  ready_for_pickup: '待取货',
  picked_up: '已取货',
  completed: '已完成',
  cancelled: '已取消',
  refunded: '已退款',
  partially_refunded: '部分退款',
};

export default function OrdersPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { orders, loading, error, load } = useOrdersStore();

  useDidShow(() => {
    if (loggedIn) void load();
  });

  if (!loggedIn || (!loading && !error && orders.length === 0)) {
    return (
      <View className="page placeholder">
        <Text className="placeholder__title">还没有订单</Text>
        <Text>参加团购后，订单和取货码会出现在这里</Text>
      </View>
    );
  }

  return (
    <View className="page">
      {error && <Text className="orders-error">{error}</Text>}
      {orders.map((order) => (
        <View key={order.id} className="order-card">
          <View className="order-card__head">
            <Text className="order-card__time">{formatDateTime(order.createdAt)}</Text>
            <Text className={`order-state order-state--${order.state}`}>
              {STATE_LABELS[order.state]}
            </Text>
          </View>
          {order.lines.map((line) => (
            <View key={line.campaignId} className="order-line">
              <Text className="order-line__title">{line.title}</Text>
              <Text>x{line.quantity}</Text>
            </View>
          ))}
          <View className="order-card__foot">
            {order.pointsUsed > 0 && (
              <Text className="order-card__points">积分抵扣 {order.pointsUsed}</Text>
            )}
            <Text className="order-card__payable">实付 {yuan(order.payable)}</Text>
          </View>
        </View>
      ))}
    </View>
  );
}
