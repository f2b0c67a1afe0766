import { Text, View } from '@tarojs/components';
import type { MemberCoupon, MemberCouponState } from '@linli/api-contract';
import { everyPage } from '@linli/api-client';
import { useState } from 'react';
import { LoadFailed, NotLoaded } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { useLoaded } from '../../../hooks/use-loaded';
import { api } from '../../../services/api';
import { couponCondition, couponValue } from '../../../services/coupon-format';
import { formatDate } from '../../../services/format';
import { serverNow } from '../../../services/server-clock';
import { useAuthStore } from '../../../stores/auth-store';
import './index.scss';

const TABS: { state: MemberCouponState; label: string; empty: string }[] = [
  { state: 'available', label: '可使用', empty: '暂无可用的优惠券' },
  { state: 'used', label: '已使用', empty: '还没有用过优惠券' },
  { state: 'expired', label: '已过期', empty: '没有过期的优惠券' },
];

/** When the copy can be used: stopped by the operator, not yet, or its window. */
function validity(coupon: MemberCoupon): string {
  if (coupon.withdrawnAt && coupon.state !== 'used')
    return `已于 ${formatDate(coupon.withdrawnAt)} 停用`;
  const window = `${formatDate(coupon.validFrom)} 至 ${formatDate(coupon.validUntil)}`;
  return coupon.state === 'available' && Date.parse(coupon.validFrom) > serverNow()
    ? `未生效 · ${window}`
    : window;
}

function CouponCard({ coupon }: { coupon: MemberCoupon }) {
  return (
    <View className={`coupon coupon--${coupon.state}`}>
      <View className="coupon__value">
        <Text className="coupon__amount">{couponValue(coupon)}</Text>
        <Text className="coupon__condition">{couponCondition(coupon)}</Text>
      </View>
      <View className="coupon__main">
        <Text className="coupon__name">{coupon.name}</Text>
        <Text className="coupon__scope">
          {coupon.campaignIds ? '限指定团购使用' : '全场团购通用'}
        </Text>
        <Text className="coupon__valid">{validity(coupon)}</Text>
      </View>
    </View>
  );
}

/** 我的优惠券: usable, used and expired, newest first; coupons are chosen at checkout. */
export default function CouponsPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const [tab, setTab] = useState<MemberCouponState>('available');
  const {
    data: coupons,
    error,
    loading,
    load,
  } = useLoaded(
    () => everyPage((cursor) => api.coupons.mine({ limit: 100, cursor })),
    '优惠券加载失败',
    loggedIn,
  );

  if (!loggedIn) return <LogInFirst title="登录后查看优惠券" />;
  if (!coupons) return <NotLoaded error={error} loading={loading} onRetry={() => void load()} />;

  const shown = coupons.filter((c) => c.state === tab);
  const current = TABS.find((t) => t.state === tab) ?? TABS[0];
  return (
    <View className="coupons">
      {/* Read again and failed: what is shown is what the last read found. */}
      {error && <LoadFailed message={error} retrying={loading} onRetry={() => void load()} />}
      <View className="chips coupons-tabs">
        {TABS.map((t) => (
          <Text
            key={t.state}
            className={`chip coupons-tab ${tab === t.state ? 'is-active' : ''}`}
            onClick={() => setTab(t.state)}
          >
            {`${t.label} ${coupons.filter((c) => c.state === t.state).length}`}
          </Text>
        ))}
      </View>
      {shown.map((coupon) => (
        <CouponCard key={coupon.id} coupon={coupon} />
      ))}
      {shown.length === 0 && <Text className="coupons-hint">{current.empty}</Text>}
      {tab === 'available' && shown.length > 0 && (
        <Text className="coupons-hint">下单时在结算页选择使用，每单限用一张</Text>
      )}
    </View>
  );
}
