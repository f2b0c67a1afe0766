import type { NotificationKind } from './notification-kinds';

/** One notice on its way to a member's phone. */
export interface OutboundNotification {
  id: string;
  kind: NotificationKind;
  /** The member's WeChat openid (the mini-program's). */
  openid: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/**
 * What became of one send: delivered; not deliverable and never will be (no template for
 * this kind, the member has not subscribed, a bad openid); or worth another try later.
 */
export type SendOutcome =
  | { status: 'sent' }
  | { status: 'skipped'; reason: string }
  | { status: 'retry'; reason: string };

/** Pushes notices out of the BFF: WeChat subscribe messages, or a recording in demo and tests. */
export interface NotificationSender {
  readonly name: string;
  /** Never throws: every failure is an outcome. */
  send(notification: OutboundNotification): Promise<SendOutcome>;
}

export const NOTIFICATION_SENDER = Symbol('NOTIFICATION_SENDER');

/** Where a notice opens in the mini-program when tapped. */
export function pageFor(notification: OutboundNotification): string {
  const orderId = notification.data.orderId;
  if (typeof orderId === 'string') return `subpackages/shop/order/index?id=${orderId}`;
  if (notification.kind === 'tier_changed') return 'pages/member/index';
  if (notification.kind === 'points_expiring') return 'subpackages/member/points/index';
  return 'subpackages/member/notifications/index';
}
