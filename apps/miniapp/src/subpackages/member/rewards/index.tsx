import { Button } from '@nutui/nutui-react-taro';
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { Redemption, ShopperReward } from '@linli/api-contract';
import { everyPage } from '@linli/api-client';
import { MEMBER_TIER_NAMES } from '@linli/shared';
import { useRef, useState } from 'react';
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

/** Where a redemption's goods are, or where its coupons went. */
function redemptionStatus(redemption: Redemption): string {
  const { pickup } = redemption;
  if (!pickup) return '已放入我的优惠券';
  if (pickup.state === 'cancelled') return `已取消，退回 ${pickup.pointsReturned ?? 0} 积分`;
  if (pickup.state === 'picked_up') return `已在「${pickup.pickupPointName}」领取`;
  if (pickup.state === 'ready_for_pickup') return `已到「${pickup.pickupPointName}」，凭提货码领取`;
  return `待到货，到货后凭提货码到「${pickup.pickupPointName}」领取`;
}

/** A reward's face: a coupon's value and condition, or a picture of the goods. */
function RewardFace({ reward }: { reward: ShopperReward }) {
  if (reward.coupon)
    return (
      <View className="reward__value">
        <Text className="reward__amount">{couponValue(reward.coupon)}</Text>
        <Text className="reward__condition">{couponCondition(reward.coupon)}</Text>
      </View>
    );
  return (
    <View className="reward__value reward__value--goods">
      {reward.image ? (
        <Image className="reward__picture" src={reward.image} mode="aspectFill" lazyLoad />
      ) : (
        <Text className="reward__amount">好礼</Text>
      )}
      <Text className="reward__condition">自提点领取</Text>
    </View>
  );
}

/**
 * 积分商城: coupons or goods for points; each redemption takes the points and a unit at once.
 * 我的兑换 below shows where goods are, with the code to collect them; goods still on their
 * way can be taken back, and their points come back.
 */
export default function RewardsPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { data, error, loading, load } = useLoaded(
    async () => {
      const [rewards, wallet, redemptions] = await Promise.all([
        everyPage((cursor) => api.rewards.list({ limit: 100, cursor })),
        api.points.wallet(),
        api.rewards.redemptions({ limit: 100 }).then((page) => page.items),
      ]);
      return { rewards, available: wallet.available, redemptions };
    },
    '积分商城加载失败',
    loggedIn,
  );
  const [redeeming, setRedeeming] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  // The key of a redemption or cancellation whose answer has not come back yet: tapped again
  // after a lost answer, it is sent again, so the BFF answers it once instead of doing it twice.
  const unanswered = useRef(new Map<string, string>());
  const keyFor = (action: string) => {
    const key = unanswered.current.get(action) ?? newIdempotencyKey();
    unanswered.current.set(action, key);
    return key;
  };
  /** A failed redemption or cancellation: said in a toast, and the page read again. */
  const failed = async (failure: unknown, fallback: string) => {
    void Taro.showToast({ title: messageFor(failure, fallback), icon: 'none' });
    await load();
  };

  const redeem = async (reward: ShopperReward) => {
    const goods = reward.kind === 'goods';
    const { confirm } = await Taro.showModal({
      title: `用 ${reward.pointsCost} 积分兑换？`,
      content: goods
        ? `${reward.name}，到货后凭提货码到你的自提点领取`
        : `${reward.name}，兑换后放入我的优惠券`,
    });
    if (!confirm) return;
    setRedeeming(reward.id);
    const action = `redeem:${reward.id}`;
    const redeemed = () => {
      unanswered.current.delete(action);
      void Taro.showToast({
        title: goods ? '兑换成功，到货后凭提货码领取' : '兑换成功，已放入我的优惠券',
        icon: 'none',
      });
    };
    try {
      await api.rewards.redeem({ rewardId: reward.id, quantity: 1 }, keyFor(action));
      redeemed();
      await load();
    } catch (failure) {
      // The answer may be what was lost: the page read again shows whether it went through, and
      // then a next 兑换 is a new one, not this one again.
      const now = await load();
      const mine = now?.rewards.find((r) => r.id === reward.id)?.yourQuantity;
      if (mine !== undefined && mine > reward.yourQuantity) redeemed();
      else void Taro.showToast({ title: messageFor(failure, '兑换失败，请重试'), icon: 'none' });
    } finally {
      setRedeeming(null);
    }
  };

  const cancel = async (redemption: Redemption) => {
    const { confirm } = await Taro.showModal({
      title: '取消这次兑换？',
      content: `${redemption.rewardName}不再配送，${redemption.points} 积分退回你的账户`,
    });
    if (!confirm) return;
    setCancelling(redemption.id);
    try {
      const action = `cancel:${redemption.id}`;
      const cancelled = await api.rewards.cancelRedemption(redemption.id, keyFor(action));
      unanswered.current.delete(action);
      void Taro.showToast({
        title: `已取消，退回 ${cancelled.pickup?.pointsReturned ?? 0} 积分`,
        icon: 'none',
      });
      await load();
    } catch (failure) {
      await failed(failure, '取消失败，请重试');
    } finally {
      setCancelling(null);
    }
  };

  if (!loggedIn) return <LogInFirst title="登录后兑换积分好礼" />;
  if (!data) return <NotLoaded error={error} loading={loading} onRetry={() => void load()} />;
  const { rewards, available, redemptions } = data;

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
            <RewardFace reward={reward} />
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
      {redemptions.length > 0 && (
        <View className="redemptions">
          <Text className="redemptions__title">我的兑换</Text>
          {redemptions.map((redemption) => (
            <View key={redemption.id} className="redemption">
              <View className="redemption__head">
                <Text className="redemption__name">
                  {redemption.rewardName} x{redemption.quantity}
                </Text>
                <Text className="redemption__points">{`${redemption.points} 积分`}</Text>
              </View>
              <Text className="redemption__status">{redemptionStatus(redemption)}</Text>
              {redemption.pickup?.pickupCode && (
                <Text className="redemption__code">{`提货码 ${redemption.pickup.pickupCode}`}</Text>
              )}
              {redemption.pickup?.state === 'awaiting_delivery' && (
                <Button
                  className="redemption-cancel"
                  size="small"
                  fill="outline"
                  loading={cancelling === redemption.id}
                  onClick={() => void cancel(redemption)}
                >
                  取消兑换
                </Button>
              )}
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
