import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { ShopperReward } from '@linli/api-contract';
import { MEMBER_TIER_NAMES } from '@linli/shared';
import { useState } from 'react';
import { NotLoaded } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { useLoaded } from '../../../hooks/use-loaded';
import { api } from '../../../services/api';
import { couponCondition, couponValue } from '../../../services/coupon-format';
import { messageFor } from '../../../services/error-messages';
import { newIdempotencyKey } from '../../../services/idempotency-key';
import { useAuthStore } from '../../../stores/auth-store';
import './index.scss';

/** Why a reward cannot be redeemed now, or null when it can. */
function unavailable(reward: ShopperReward, available: number): string | null {
  if (!reward.eligible) return `${MEMBER_TIER_NAMES[reward.minTier]}及以上可兑`;
  if (reward.stockLeft === 0) return '已兑完';
  if (reward.yourQuantity >= reward.perMemberLimit) return '已达兑换上限';
  if (available < reward.pointsCost) return '积分不足';
  return null;
}

/** 积分商城: coupons for points; each redemption takes the points and a unit at once. */
export default function RewardsPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { data, error, setError, loading, load } = useLoaded(
    async () => {
      const [rewards, wallet] = await Promise.all([api.rewards.list(), api.points.wallet()]);
      return { rewards, available: wallet.available };
    },
    '积分商城加载失败',
    loggedIn,
  );
  const [redeeming, setRedeeming] = useState<string | null>(null);

  const redeem = async (reward: ShopperReward) => {
    const { confirm } = await Taro.showModal({
      title: `用 ${reward.pointsCost} 积分兑换？`,
      content: `${reward.name}，兑换后放入我的优惠券`,
    });
    if (!confirm) return;
    setRedeeming(reward.id);
    try {
      // One key per confirmed tap: the BFF redeems it once, however often it is sent.
      await api.rewards.redeem({ rewardId: reward.id, quantity: 1 }, newIdempotencyKey());
      void Taro.showToast({ title: '兑换成功，已放入我的优惠券', icon: 'none' });
      await load();
    } catch (failure) {
      setError(messageFor(failure, '兑换失败，请重试'));
      await load();
    } finally {
      setRedeeming(null);
    }
  };

  if (!loggedIn) return <LogInFirst title="登录后兑换积分好礼" />;
  if (!data) return <NotLoaded error={error} loading={loading} onRetry={() => void load()} />;
  const { rewards, available } = data;

  return (
    <View className="rewards">
      <View className="rewards-balance">
        <Text className="rewards-balance__label">可用积分</Text>
        <Text className="rewards-balance__value">{available}</Text>
      </View>
      {error && <Text className="rewards-error">{error}</Text>}
      {rewards.length === 0 && <Text className="rewards-hint">好礼正在上架，敬请期待</Text>}
      {rewards.map((reward) => {
        const blocked = unavailable(reward, available);
        return (
          <View key={reward.id} className="reward">
            <View className="reward__value">
              <Text className="reward__amount">{couponValue(reward.coupon)}</Text>
              <Text className="reward__condition">{couponCondition(reward.coupon)}</Text>
            </View>
            <View className="reward__main">
              <Text className="reward__name">{reward.name}</Text>
              <Text className="reward__meta">
                {`剩 ${reward.stockLeft} 份 · 每人限 ${reward.perMemberLimit} 份`}
              </Text>
              <View className="reward__foot">
                <Text className="reward__cost">{`${reward.pointsCost} 积分`}</Text>
                <Button
                  className="reward-redeem"
                  size="small"
                  type="primary"
                  disabled={blocked !== null}
                  loading={redeeming === reward.id}
                  onClick={() => void redeem(reward)}
                >
                  {blocked ?? '兑换'}
                </Button>
              </View>
            </View>
          </View>
        );
      })}
    </View>
  );
}
