import { Button, InputNumber, TextArea } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import type { MoneyBackView, OrderLineView, OrderView, RefundView } from '@linli/api-contract';
import { statesAllowing } from '@linli/domain';
import { useState } from 'react';
import { LoadFailed } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { OrderLineProduct } from '../../../components/order-line-product';
import { QrCode } from '../../../components/qr-code';
import { formatDateTime, formatTime, yuan } from '../../../services/format';
import { serverNow } from '../../../services/server-clock';
import {
  MONEY_BACK_STATE_LABELS,
  ORDER_STATE_LABELS,
  REFUND_STATUS_LABELS,
} from '../../../services/order-labels';
import { useAuthStore } from '../../../stores/auth-store';
import { useOrdersStore } from '../../../stores/orders-store';
import { Reviews } from './reviews';
import './index.scss';

/** Whether the order's state lets `event` happen, by the order state machine the BFF applies. */
const allows = (order: OrderView, event: 'pay' | 'cancel' | 'refund_part') =>
  statesAllowing(event).includes(order.state);

/**
 * What the shopper may still do, as the BFF would allow it: pay until the payment deadline
 * (never past the cut-off); cancel an unpaid order, or a paid one before its cut-off.
 */
function actionsOf(order: OrderView, now: number): { pay: boolean; cancel: boolean } {
  const beforeCutOff = new Date(order.cutsOffAt).getTime() > now;
  return {
    pay: allows(order, 'pay') && new Date(order.expiresAt).getTime() > now && beforeCutOff,
    cancel: allows(order, 'cancel') && (order.state !== 'paid' || beforeCutOff),
  };
}

/** The days the order's goods can be picked up: one, unless its group-buys differ. */
function pickupDates(order: OrderView): string {
  return [...new Set(order.lines.map((line) => line.pickupDate))].sort().join('、');
}

function Row({ label, value, valueClass }: { label: string; value: string; valueClass?: string }) {
  return (
    <View className="order-row">
      <Text className="order-row__label">{label}</Text>
      <Text className={`order-row__value ${valueClass ?? ''}`}>{value}</Text>
    </View>
  );
}

/** What the shopper shows the leader: the 8 digits and the same code as a QR. */
function PickupCode({ code }: { code: string }) {
  return (
    <View className="order-card pickup">
      <Text className="pickup__title">提货码</Text>
      <QrCode className="pickup__qr" code={code} />
      <Text className="order-pickup-code">{`${code.slice(0, 4)} ${code.slice(4)}`}</Text>
      <Text className="pickup__hint">到自提点出示给团长，或让团长扫会员码</Text>
    </View>
  );
}

/** Where the money of each refund is: on its way, back in the shopper's account, or with the platform's staff. */
function MoneyBack({ refunds }: { refunds: MoneyBackView[] }) {
  const detail = (refund: MoneyBackView) =>
    ({
      on_the_way: '正在退回原支付账户，到账后会通知你',
      arrived: `已退回${refund.account ?? '原支付账户'}${refund.settledAt ? `，${formatDateTime(refund.settledAt)}` : ''}`,
      not_reached: '未能退回原支付账户，平台工作人员会尽快联系你处理',
      paid_by_operator: '已由平台工作人员通过其他方式退还给你',
    })[refund.state];
  return (
    <View className="order-card money-back">
      <Text className="order-card__title">退款去向</Text>
      {refunds.map((refund, i) => (
        <View key={`${refund.createdAt}-${i}`} className="refund-item">
          <View className="order-row">
            <Text>退款 {yuan(refund.amount)}</Text>
            <Text className={`money-back-state money-back-state--${refund.state}`}>
              {MONEY_BACK_STATE_LABELS[refund.state]}
            </Text>
          </View>
          <Text className="refund-item__detail">{detail(refund)}</Text>
        </View>
      ))}
    </View>
  );
}

/**
 * The units of each line still open to an after-sales request: neither refunded nor asked for
 * by a request waiting for review, as the BFF refuses those twice.
 */
function refundableUnits(
  order: OrderView,
  refunds: RefundView[],
): { line: OrderLineView; units: number }[] {
  const asked = new Map<string, number>();
  for (const refund of refunds.filter((r) => r.status === 'pending'))
    for (const { orderLineId, quantity } of refund.lines)
      asked.set(orderLineId, (asked.get(orderLineId) ?? 0) + quantity);
  return order.lines
    .map((line) => ({
      line,
      units: line.quantity - line.refundedQuantity - (asked.get(line.id) ?? 0),
    }))
    .filter(({ units }) => units > 0);
}

function RefundForm({ refundable }: { refundable: { line: OrderLineView; units: number }[] }) {
  const { submitting, requestRefund } = useOrdersStore();
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('');
  const submit = async () => {
    if (await requestRefund(quantities, reason.trim())) {
      setQuantities({});
      setReason('');
      void Taro.showToast({ title: '已提交', icon: 'success' });
    }
  };
  return (
    <View className="order-card refund-form">
      <Text className="order-card__title">申请售后</Text>
      {refundable.map(({ line, units }) => (
        <View key={line.id} className="order-row">
          <Text>{line.title}</Text>
          <InputNumber
            className="refund-quantity"
            value={quantities[line.id] ?? 0}
            min={0}
            max={units}
            // Typed in, a number is passed on as typed; the box shows it kept within min and max.
            onChange={(value) =>
              setQuantities({
                ...quantities,
                [line.id]: Math.max(0, Math.min(units, Math.floor(Number(value) || 0))),
              })
            }
          />
        </View>
      ))}
      <TextArea
        className="refund-reason"
        value={reason}
        placeholder="请说明原因，如：商品破损"
        maxLength={200}
        onChange={(value) => setReason(value)}
      />
      <Button
        className="refund-submit"
        type="primary"
        block
        loading={submitting}
        disabled={reason.trim().length < 2}
        onClick={() => void submit()}
      >
        提交申请
      </Button>
    </View>
  );
}

export default function OrderPage() {
  const { id } = useRouter().params;
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const {
    current: order,
    refunds,
    loading,
    error,
    submitting,
    open,
    pay,
    cancel,
  } = useOrdersStore();

  useDidShow(() => {
    if (id && loggedIn) void open(id);
  });

  if (!loggedIn) return <LogInFirst title="登录后查看订单" />;

  if (!order || order.id !== id) {
    return (
      <View className="page placeholder">
        {error && id ? (
          <LoadFailed message={error} retrying={loading} onRetry={() => void open(id)} />
        ) : (
          <Text>加载中…</Text>
        )}
      </View>
    );
  }

  const now = serverNow();
  const actions = actionsOf(order, now);
  /** Cancelling cannot be undone: a paid order is refunded and leaves its group-buy. */
  const confirmCancel = async () => {
    const { confirm } = await Taro.showModal({
      title: '取消订单',
      content:
        order.state === 'paid'
          ? '确定取消订单吗？款项和积分将原路退回，取消后不能恢复。'
          : '确定取消这笔待支付的订单吗？',
      confirmText: '取消订单',
      cancelText: '再想想',
    });
    if (confirm) await cancel();
  };
  const afterSalesOpen =
    allows(order, 'refund_part') &&
    order.afterSalesEndsAt !== null &&
    new Date(order.afterSalesEndsAt).getTime() > now;
  const refundable = refundableUnits(order, refunds);

  return (
    <View className="page order-detail">
      <View className="order-card">
        <View className="order-row">
          <Text className="order-card__title">订单状态</Text>
          <Text className={`order-detail-state order-state--${order.state}`}>
            {ORDER_STATE_LABELS[order.state]}
          </Text>
        </View>
        {order.pickedUpAt && <Row label="取货时间" value={formatDateTime(order.pickedUpAt)} />}
      </View>
      <View className="order-card">
        <Row label="自提点" value={order.pickupPoint.name} valueClass="order-pickup-point" />
        <Text className="order-pickup-address">{order.pickupPoint.address}</Text>
        <Row label="提货日期" value={pickupDates(order)} valueClass="order-pickup-date" />
      </View>
      {order.state === 'ready_for_pickup' && order.pickupCode && (
        <PickupCode code={order.pickupCode} />
      )}
      <View className="order-card">
        {order.lines.map((line) => (
          <View key={line.id} className="order-row">
            <OrderLineProduct line={line} />
            <Text>
              x{line.quantity}
              {line.refundedQuantity > 0 ? `（已退 ${line.refundedQuantity}）` : ''}
            </Text>
          </View>
        ))}
        <Row label="商品金额" value={yuan(order.subtotal)} />
        {order.tierDiscount > 0 && <Row label="会员折扣" value={`-${yuan(order.tierDiscount)}`} />}
        {order.couponDiscount > 0 && (
          <Row
            label="优惠券"
            value={`-${yuan(order.couponDiscount)}`}
            valueClass="order-coupon-discount"
          />
        )}
        {order.pointsUsed > 0 && (
          <Row
            label={`积分抵扣（${order.pointsUsed} 积分）`}
            value={`-${yuan(order.pointsDiscount)}`}
          />
        )}
        <Row label="实付" value={yuan(order.payable)} />
        {order.refunded > 0 && <Row label="已退款" value={yuan(order.refunded)} />}
        <Row label="下单时间" value={formatDateTime(order.createdAt)} />
      </View>
      {order.moneyBack.length > 0 && <MoneyBack refunds={order.moneyBack} />}
      {refunds.length > 0 && (
        <View className="order-card">
          <Text className="order-card__title">售后进度</Text>
          {refunds.map((refund) => (
            <View key={refund.id} className="refund-item">
              <View className="order-row">
                <Text>{refund.reason}</Text>
                <Text className={`refund-status refund-status--${refund.status}`}>
                  {REFUND_STATUS_LABELS[refund.status]}
                </Text>
              </View>
              <Text className="refund-item__detail">
                {refund.status === 'approved' && refund.refunded !== null
                  ? `退回 ${yuan(refund.refunded)}${refund.pointsReturned ? `，积分 ${refund.pointsReturned}` : ''}${refund.shortfall ? `（已扣除已用赠送积分折合 ${yuan(refund.shortfall)}）` : ''}`
                  : `申请退款 ${yuan(refund.requested)}`}
              </Text>
              {refund.decisionNote && (
                <Text className="refund-item__detail">说明：{refund.decisionNote}</Text>
              )}
            </View>
          ))}
        </View>
      )}
      <Reviews order={order} />
      {afterSalesOpen && refundable.length > 0 && <RefundForm refundable={refundable} />}
      {error && <Text className="order-error">{error}</Text>}
      {order.state === 'pending_payment' && !actions.pay && (
        <Text className="order-pay__deadline">已过支付时间，订单将自动取消</Text>
      )}
      {actions.pay && (
        <View className="order-pay">
          <Text className="order-pay__deadline">
            请在 {formatTime(order.expiresAt)} 前支付，超时订单自动取消
          </Text>
          <Button
            className="order-pay__button"
            type="primary"
            block
            loading={submitting}
            onClick={() => void pay()}
          >
            去支付 {yuan(order.payable)}
          </Button>
        </View>
      )}
      {actions.cancel && (
        <Button
          className="order-cancel"
          block
          fill="outline"
          loading={submitting}
          onClick={() => void confirmCancel()}
        >
          取消订单
        </Button>
      )}
    </View>
  );
}
