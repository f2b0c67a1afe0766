import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { MEMBER_TIER_NAMES, type MemberTier } from '@linli/shared';
import { useEffect } from 'react';
import { QrCode } from '../../components/qr-code';
import { formatDate } from '../../services/format';
import { discountLabel, multiplierLabel, TIER_COLORS } from '../../services/tier-format';
import { useAuthStore } from '../../stores/auth-store';
import { useMemberCardStore } from '../../stores/member-card-store';
import { useUnreadBadge } from '../../hooks/use-unread-badge';
import './index.scss';

const REASONS = { upgrade: '升级', retention: '保级调整', manual: '平台设置' } as const;

export default function MemberPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { card, codeRotatesAt, error, loads, load } = useMemberCardStore();

  useUnreadBadge();
  useDidShow(() => {
    if (loggedIn) void load();
  });

  // The member code rotates every minute: fetch a fresh one when the BFF said the shown one expires.
  // After a failed refresh (loads moves on, card does not), try again in a few seconds.
  useEffect(() => {
    if (!card) return;
    const wait = error ? 5_000 : Math.max(1_000, codeRotatesAt - Date.now());
    const timer = setTimeout(() => void load(), wait);
    return () => clearTimeout(timer);
  }, [card, codeRotatesAt, error, loads, load]);

  if (!loggedIn) {
    return (
      <View className="page placeholder">
        <Text className="placeholder__title">登录后查看会员卡</Text>
        <Button
          className="member-go-login"
          type="primary"
          onClick={() => void Taro.switchTab({ url: '/pages/mine/index' })}
        >
          去登录
        </Button>
      </View>
    );
  }
  if (!card) {
    return (
      <View className="page placeholder">
        <Text>{error ?? '加载中…'}</Text>
        {error && <Button onClick={() => void load()}>重试</Button>}
      </View>
    );
  }

  const next = card.nextTier;
  const nextThreshold = card.tiers.find((t) => t.code === next)?.threshold ?? card.growth;
  const progress = next
    ? Math.min(100, Math.round((card.growth / Math.max(1, nextThreshold)) * 100))
    : 100;

  return (
    <View className="page member">
      <View className="member-card" style={{ background: TIER_COLORS[card.tier] }}>
        <Text className="member-card__tier">{MEMBER_TIER_NAMES[card.tier]}</Text>
        <Text className="member-card__growth">近 12 个月成长值 {card.growth}</Text>
        <View className="member-progress">
          <View className="member-progress__bar" style={{ width: `${progress}%` }} />
        </View>
        <Text className="member-card__next">
          {next
            ? `再获得 ${card.growthToNext} 成长值升级为${MEMBER_TIER_NAMES[next]}`
            : '已是最高等级'}
        </Text>
        {card.tierReviewAt && (
          <Text className="member-card__review">{formatDate(card.tierReviewAt)} 保级评估</Text>
        )}
      </View>

      <View className="member-section member-code">
        {error && <Text className="member-code__error">{error}，会员码正在重试刷新</Text>}
        <QrCode className="member-qr" code={card.memberCode} />
        <Text className="member-code__hint">取货时向团长出示会员码，每分钟自动刷新</Text>
      </View>

      <View className="member-section">
        <Text className="member-section__title">等级权益</Text>
        <View className="benefits-row benefits-head">
          <Text className="benefits-cell">等级</Text>
          <Text className="benefits-cell">成长值</Text>
          <Text className="benefits-cell">折扣</Text>
          <Text className="benefits-cell">积分</Text>
          <Text className="benefits-cell">生日礼</Text>
          <Text className="benefits-cell">月券</Text>
        </View>
        {card.tiers.map((tier) => (
          <View
            key={tier.code}
            className={`benefits-row ${tier.code === card.tier ? 'is-current' : ''}`}
          >
            <Text className="benefits-cell">{MEMBER_TIER_NAMES[tier.code as MemberTier]}</Text>
            <Text className="benefits-cell">{tier.threshold}</Text>
            <Text className="benefits-cell">{discountLabel(tier.discountBps)}</Text>
            <Text className="benefits-cell">{multiplierLabel(tier.pointsMultiplierPct)}</Text>
            <Text className="benefits-cell">{tier.birthdayGiftPoints}</Text>
            <Text className="benefits-cell">
              {tier.monthlyCoupons > 0 ? `${tier.monthlyCoupons} 张` : '—'}
            </Text>
          </View>
        ))}
        {card.tiers.some((tier) => tier.monthlyCoupons > 0) && (
          <Text className="benefits-coupons">月券每月发到「我的优惠券」，升级后当月补发</Text>
        )}
        {card.tiers.some((tier) => tier.exclusiveCampaigns) && (
          <Text className="benefits-note">
            {card.tiers
              .filter((tier) => tier.exclusiveCampaigns)
              .map((tier) => MEMBER_TIER_NAMES[tier.code as MemberTier])
              .join('、')}
            可参加会员专享团购
          </Text>
        )}
      </View>

      <View className="member-section">
        <Text className="member-section__title">等级记录</Text>
        {card.history.length === 0 && <Text className="member-history__empty">还没有等级变化</Text>}
        {card.history.map((h) => (
          <View key={h.at} className="member-history__item">
            <Text className="member-history__change">
              {MEMBER_TIER_NAMES[h.from]} → {MEMBER_TIER_NAMES[h.to]}（{REASONS[h.reason]}）
            </Text>
            <Text className="member-history__time">{formatDate(h.at)}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
