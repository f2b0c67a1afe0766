import { Button, InputNumber, Switch } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { LoadFailed } from '../../../components/load-failed';
import { couponCondition, couponValue } from '../../../services/coupon-format';
import { yuan } from '../../../services/format';
import { paymentOutcome } from '../../../services/payment';
import { mayStillBuy, stockBinds, useCheckoutStore } from '../../../stores/checkout-store';
import { useShopStore } from '../../../stores/shop-store';
import './index.scss';

function Row({ label, value, className }: { label: string; value: string; className?: string }) {
  return (
    <View className={`checkout-row ${className ?? ''}`}>
      <Text className="checkout-row__label">{label}</Text>
      <Text className="checkout-row__value">{value}</Text>
    </View>
  );
}

export default function CheckoutPage() {
  const {
    campaign,
    quantity,
    usePoints,
    pointsAvailable,
    coupons,
    couponId,
    savings,
    quote,
    submitting,
    error,
    held,
    setQuantity,
    setUsePoints,
    setCoupon,
    retryQuote,
    reloadSavings,
    submit,
  } = useCheckoutStore();
  const pickupPoint = useShopStore((s) => s.pickupPoint);
  if (!campaign) {
    return (
      <View className="page placeholder">
        <Text>请先在首页选择团购</Text>
      </View>
    );
  }

  const chosen = coupons.find((c) => c.id === couponId) ?? null;
  // A chosen coupon the basket does not reach: the order would be refused, so it cannot be paid.
  const couponHint =
    chosen && quote && quote.coupon !== 'applied'
      ? quote.coupon === 'min_spend_not_met'
        ? `${couponCondition(chosen)}，再多买一点就能用`
        : '这张券不适用于这个团购'
      : null;

  const pay = async () => {
    const order = await submit();
    if (!order) return;
    const outcome = paymentOutcome(order);
    if (outcome.paid) {
      void Taro.showToast({ title: outcome.message, icon: 'success' });
      void Taro.switchTab({ url: '/pages/orders/index' });
      return;
    }
    // Not paid, or not confirmed yet: the order page shows where it stands and any refund.
    void Taro.showToast({ title: outcome.message, icon: 'none', duration: 3000 });
    void Taro.redirectTo({ url: `/subpackages/shop/order/index?id=${order.id}` });
  };

  return (
    <View className="page checkout">
      <View className="checkout-card">
        <Text className="checkout-card__title">{campaign.title}</Text>
        {pickupPoint && (
          <Row
            className="checkout-pickup"
            label="取货"
            value={`${campaign.pickupDate} · ${pickupPoint.name}`}
          />
        )}
        <View className="checkout-row">
          <Text className="checkout-limit">
            数量（每人限 {campaign.perMemberLimit} 件
            {stockBinds(campaign)
              ? `，仅剩 ${campaign.stockLeft} 件`
              : campaign.yourQuantity > 0
                ? `，还可买 ${mayStillBuy(campaign)} 件`
                : ''}
            ）
          </Text>
          <InputNumber
            className="checkout-quantity"
            value={quantity}
            min={1}
            max={mayStillBuy(campaign)}
            disabled={held !== null}
            onChange={(value) => void setQuantity(Number(value))}
          />
        </View>
        {savings === 'failed' && (
          <LoadFailed message="积分和优惠券没有加载出来" onRetry={() => void reloadSavings()} />
        )}
        <View className="checkout-row">
          <Text>
            使用积分
            {savings === 'loading'
              ? '（加载中）'
              : savings === 'loaded'
                ? `（可用 ${pointsAvailable}）`
                : ''}
          </Text>
          <Switch
            className="checkout-points"
            checked={usePoints}
            disabled={pointsAvailable === 0 || held !== null}
            onChange={(checked) => void setUsePoints(checked)}
          />
        </View>
        <View className="checkout-coupons">
          <Text>优惠券</Text>
          {coupons.length === 0 ? (
            <Text className="checkout-coupon-none">
              {savings === 'loading' ? '加载中' : savings === 'failed' ? '—' : '暂无可用'}
            </Text>
          ) : (
            <View className={`chips ${held ? 'is-disabled' : ''}`}>
              <Text
                className={`chip checkout-coupon ${couponId === null ? 'is-active' : ''}`}
                onClick={() => void setCoupon(null)}
              >
                不使用
              </Text>
              {coupons.map((c) => (
                <Text
                  key={c.id}
                  className={`chip checkout-coupon ${couponId === c.id ? 'is-active' : ''}`}
                  onClick={() => void setCoupon(c.id)}
                >
                  {`${couponValue(c)} · ${c.name}`}
                </Text>
              ))}
            </View>
          )}
          {couponHint && <Text className="checkout-coupon-hint">{couponHint}</Text>}
        </View>
      </View>

      {quote && (
        <View className="checkout-card">
          <Row label="商品金额" value={yuan(quote.subtotal)} />
          {quote.tierDiscount > 0 && (
            <Row label="会员优惠" value={`-${yuan(quote.tierDiscount)}`} />
          )}
          {quote.couponDiscount > 0 && (
            <Row
              label="优惠券"
              value={`-${yuan(quote.couponDiscount)}`}
              className="checkout-coupon-row"
            />
          )}
          {quote.pointsDiscount > 0 && (
            <Row
              label={`积分抵扣（${quote.pointsUsed} 积分）`}
              value={`-${yuan(quote.pointsDiscount)}`}
              className="checkout-points-row"
            />
          )}
          <Row label="实付" value={yuan(quote.payable)} className="checkout-payable" />
          <Text className="checkout-earn">取货完成后可得 {quote.pointsToEarn} 积分</Text>
        </View>
      )}
      {error && <Text className="checkout-error">{error}</Text>}
      {held && (
        <Text className="checkout-kept">
          {held === 'unpaid'
            ? '这笔订单已保留：要改数量、积分或优惠券，请先在「订单」中取消它'
            : '下单结果还没确认：再点一次不会重复下单'}
        </Text>
      )}
      {error && !quote && !submitting && (
        <Button className="checkout-retry" fill="outline" block onClick={() => void retryQuote()}>
          重新计算价格
        </Button>
      )}
      <Button
        className="checkout-submit"
        type="primary"
        block
        loading={submitting}
        disabled={!quote || couponHint !== null}
        onClick={() => void pay()}
      >
        {held === 'unpaid' ? '继续支付' : '提交订单并支付'} {quote ? yuan(quote.payable) : ''}
      </Button>
    </View>
  );
}
