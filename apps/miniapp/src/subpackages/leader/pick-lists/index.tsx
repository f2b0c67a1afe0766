import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { DELIVERY_STATE_LABELS, ORDER_STATE_LABELS } from '../../../services/order-labels';
import { useLeaderStore } from '../../../stores/leader-store';
import { ListEnd } from '../list-end';
import { useLeaderGate } from '../not-leader';
import '../leader.scss';

/** One list per campaign delivered here: what to hand to whom. */
export default function PickListsPage() {
  const { pickLists, loading, notLeader, error, loadPickLists, loadMorePickLists } =
    useLeaderStore();
  useDidShow(() => void loadPickLists());
  usePullDownRefresh(() => void loadPickLists().finally(() => Taro.stopPullDownRefresh()));
  useReachBottom(() => void loadMorePickLists());

  const gate = useLeaderGate(notLeader);
  if (gate) return gate;
  return (
    <View className="page leader-pick-lists">
      {error && <Text className="leader-error">{error}</Text>}
      {!loading && !error && pickLists.items.length === 0 && (
        <Text className="leader-empty">截团后，这里会出现分拣单</Text>
      )}
      {pickLists.items.map(({ batch, productName, orders }) => (
        <View key={batch.id} className="leader-card pick-list">
          <View className="leader-row">
            <Text className="leader-card__title">
              {productName} · {batch.skuName}
            </Text>
            <Text className="leader-accent">{DELIVERY_STATE_LABELS[batch.state]}</Text>
          </View>
          <Text className="leader-muted">
            提货日 {batch.pickupDate} · 共 {batch.quantity} 件 · {batch.orders} 单
          </Text>
          {orders.map((order) => (
            <View key={order.orderId} className="leader-row">
              <Text>{order.nickname}</Text>
              <Text>
                x{order.quantity}{' '}
                <Text className="leader-muted">{ORDER_STATE_LABELS[order.state]}</Text>
              </Text>
            </View>
          ))}
        </View>
      ))}
      <ListEnd list={pickLists} shown={pickLists.items.length} />
    </View>
  );
}
