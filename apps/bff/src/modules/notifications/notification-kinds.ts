/** What members are told about. */
export const NOTIFICATION_KINDS = [
  'order_refunded',
  'order_ready',
  'order_picked_up',
  'refund_decided',
  'leader_application_decided',
  'tier_changed',
  'points_expiring',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
