/**
 * What members are told about. order_refunded: money of an order goes back (decided, not yet
 * back); refund_settled: how the payment provider ended such a refund (the money is back, or it
 * could not go back and the platform takes it up). pickup_postponed: the goods of a paid order
 * come to the pickup point later than the day first given. birthday_gift: the tier's birthday
 * points, given on the member's birthday. referral_rewarded: points for an invitee's first
 * pickup, to the invitee and to their inviter; referral_reversed: to the inviter, when the
 * invitee gave back all they picked up and the reward with it. reward_ready: goods from the rewards mall have
 * arrived at the member's pickup point. reward_cancelled: an operator cancelled such goods and
 * gave the points back. coupon_withdrawn: an operator withdrew a coupon the member holds unused.
 * To leaders: delivery_dispatched, a batch is on its way to their pickup point;
 * withdrawal_decided, an operator approved or turned down their commission withdrawal.
 */
export const NOTIFICATION_KINDS = [
  'order_refunded',
  'refund_settled',
  'order_ready',
  'pickup_postponed',
  'order_picked_up',
  'refund_decided',
  'leader_application_decided',
  'tier_changed',
  'points_expiring',
  'birthday_gift',
  'referral_rewarded',
  'referral_reversed',
  'reward_ready',
  'reward_cancelled',
  'coupon_withdrawn',
  'delivery_dispatched',
  'withdrawal_decided',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
