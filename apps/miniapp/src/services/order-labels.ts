import type {
  CommissionEntry,
  DeliveryBatch,
  MoneyBackState,
  OrderStage,
  OrderView,
  RefundView,
  Withdrawal,
} from '@linli/api-contract';

export const ORDER_STATE_LABELS: Record<OrderView['state'], string> = {
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

/** The tabs of the order list, in the order they are shown after 全部. */
export const ORDER_STAGE_LABELS: Record<OrderStage, string> = {
  to_pay: '待支付',
  to_pick_up: '待取货',
  picked_up: '已取货',
  refunded: '退款',
};

/** An after-sales request's decision; where its money is, 退款去向 says. */
export const REFUND_STATUS_LABELS: Record<RefundView['status'], string> = {
  pending: '审核中',
  approved: '已同意',
  rejected: '未通过',
};

export const MONEY_BACK_STATE_LABELS: Record<MoneyBackState, string> = {
  on_the_way: '退款中',
  arrived: '已到账',
  not_reached: '需平台协助',
  paid_by_operator: '已由平台退还',
};

export const DELIVERY_STATE_LABELS: Record<DeliveryBatch['state'], string> = {
  packing: '分拣中',
  dispatched: '已发车',
  received: '已到货',
};

export const COMMISSION_STATE_LABELS: Record<CommissionEntry['state'], string> = {
  pending: '待提货',
  frozen: '售后期',
  available: '可提现',
  cancelled: '已取消',
};

export const DECISION_LABELS: Record<Withdrawal['status'], string> = {
  pending: '审核中',
  approved: '已通过',
  rejected: '未通过',
};
