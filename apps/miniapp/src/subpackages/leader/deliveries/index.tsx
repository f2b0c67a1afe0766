import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import type { DeliveryBatch, RewardPickup } from '@linli/api-contract';
import { formatDateTime } from '../../../services/format';
import { DELIVERY_STATE_LABELS } from '../../../services/order-labels';
import { useLeaderStore } from '../../../stores/leader-store';
import { ListEnd } from '../list-end';
import { useLeaderGate } from '../not-leader';
import '../leader.scss';

function when(batch: DeliveryBatch): string {
  if (batch.receivedAt) return `${formatDateTime(batch.receivedAt)} 到货`;
  if (batch.dispatchedAt) return `${formatDateTime(batch.dispatchedAt)} 发车`;
  return '仓库分拣中';
}

/**
 * The leader confirms each batch on arrival, and each good from the rewards mall; their
 * neighbours are then told to come for them.
 */
export default function DeliveriesPage() {
  const {
    deliveries,
    loading,
    busy,
    notLeader,
    error,
    loadDeliveries,
    loadMoreDeliveries,
    receive,
    arrivingRewards,
    loadMoreArrivingRewards,
    rewardArrived,
  } = useLeaderStore();
  useDidShow(() => void loadDeliveries());
  usePullDownRefresh(() => void loadDeliveries().finally(() => Taro.stopPullDownRefresh()));
  useReachBottom(() => void loadMoreDeliveries());

  const confirm = async (batch: DeliveryBatch) => {
    const { confirm: sure } = await Taro.showModal({
      title: '确认到货',
      content: `${batch.title} 共 ${batch.quantity} 件（${batch.orders} 笔订单）已到自提点？确认后，货已到齐的订单会通知邻居取货。`,
    });
    if (sure && (await receive(batch.id)))
      void Taro.showToast({ title: '已通知取货', icon: 'success' });
  };

  const confirmReward = async (reward: RewardPickup) => {
    const { confirm: sure } = await Taro.showModal({
      title: '确认到货',
      content: `${reward.nickname} 兑换的 ${reward.rewardName} x${reward.quantity} 已到自提点？确认后将通知邻居领取。`,
    });
    const arrived = sure ? await rewardArrived(reward.id) : null;
    if (arrived?.state === 'cancelled')
      void Taro.showToast({ title: '邻居已取消这次兑换，无需发放', icon: 'none' });
    else if (arrived) void Taro.showToast({ title: '已通知领取', icon: 'success' });
  };

  const gate = useLeaderGate(notLeader);
  if (gate) return gate;
  return (
    <View className="page leader-deliveries">
      {error && <Text className="leader-error">{error}</Text>}
      {arrivingRewards.items.length > 0 && (
        <View className="leader-card reward-arrivals">
          <Text className="leader-card__title">积分兑换好礼 · 待到货</Text>
          {arrivingRewards.items.map((reward) => (
            <View key={reward.id} className="reward-arrival">
              <View className="leader-row">
                <Text className="reward-arrival__name">
                  {reward.rewardName} x{reward.quantity}
                </Text>
                <Text className="leader-muted">
                  {reward.nickname} · 尾号 {reward.codeHint}
                </Text>
              </View>
              <Button
                className="reward-arrived"
                size="small"
                type="primary"
                loading={busy}
                onClick={() => void confirmReward(reward)}
              >
                确认到货
              </Button>
            </View>
          ))}
          {arrivingRewards.nextCursor && (
            <Text
              className="leader-empty reward-arrivals-more"
              onClick={() => void loadMoreArrivingRewards()}
            >
              {arrivingRewards.loadingMore ? '加载中…' : '查看更多待到货'}
            </Text>
          )}
        </View>
      )}
      {!loading && !error && deliveries.items.length === 0 && (
        <Text className="leader-empty">暂时没有配送批次</Text>
      )}
      {deliveries.items.map((batch) => (
        <View key={batch.id} className="leader-card delivery">
          <View className="leader-row">
            <Text className="leader-card__title">
              {batch.title} · {batch.skuName}
            </Text>
            <Text className="leader-accent delivery-state">
              {DELIVERY_STATE_LABELS[batch.state]}
            </Text>
          </View>
          <Text className="leader-muted">
            提货日 {batch.pickupDate} · {batch.quantity} 件 · {batch.orders} 单 · {when(batch)}
          </Text>
          {batch.state === 'dispatched' && (
            <Button
              className="delivery-receive"
              type="primary"
              block
              loading={busy}
              onClick={() => void confirm(batch)}
            >
              确认到货
            </Button>
          )}
        </View>
      ))}
      <ListEnd list={deliveries} shown={deliveries.items.length} />
    </View>
  );
}
