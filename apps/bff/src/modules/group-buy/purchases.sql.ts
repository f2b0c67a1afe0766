/**
 * What insight reports and recommendations count as a purchase: an order paid for and not cancelled or
 * refunded whole, on the Shanghai day it was paid, for what was paid less what was refunded.
 * `order` is the orders table's alias, if the statement gives it one.
 */
export const purchased = (order = '') =>
  `${order && `${order}.`}paid_at IS NOT NULL AND ${order && `${order}.`}state NOT IN ('cancelled', 'refunded')`;

/** Each member's purchase days, with what they paid on each, up to an instant. */
export const PURCHASE_DAYS = (until: string) => `
  SELECT member_id, (paid_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    sum(payable_fen - refunded_fen)::bigint AS fen
  FROM orders WHERE ${purchased()} AND paid_at < ${until}
  GROUP BY 1, 2`;
