import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * Histories written straight into the tables, as years of shopping would have left them: the
 * insight reports only read, so their specs set out exactly the past they sum up.
 */
export function insightHistory(t: TestApp) {
  let codes = 10_000_000;
  return {
    async pickupPoint(name: string, leaderId: string | null = null): Promise<string> {
      const [community] = await t.dataSource.query(
        `INSERT INTO communities (name, city) VALUES ('阳光花园', '杭州') RETURNING id`,
      );
      const [point] = await t.dataSource.query(
        `INSERT INTO pickup_points (community_id, name, address, latitude, longitude, leader_member_id)
         VALUES ($1, $2, '文三路', 30.27, 120.12, $3) RETURNING id`,
        [community.id, name, leaderId],
      );
      return point.id;
    },

    async member(nickname: string, joinedAt: Date, tier = 'regular'): Promise<string> {
      const [row] = await t.dataSource.query(
        `INSERT INTO members (openid, nickname, invite_code, created_at, tier)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [
          `insight_${randomUUID()}`,
          nickname,
          randomUUID().slice(0, 8).toUpperCase(),
          joinedAt,
          tier,
        ],
      );
      await t.dataSource.query(`INSERT INTO point_accounts (member_id) VALUES ($1)`, [row.id]);
      return row.id;
    },

    /** An order paid at `paidAt` for `fen`; completed unless told otherwise. */
    async order(
      memberId: string,
      pickupPointId: string,
      paidAt: Date,
      fen: number,
      more: {
        state?: string;
        refundedFen?: number;
        readyAt?: Date;
        pickedUpAt?: Date;
      } = {},
    ): Promise<string> {
      const [row] = await t.dataSource.query(
        `INSERT INTO orders (member_id, pickup_point_id, state, subtotal_fen, tier_discount_fen,
           coupon_discount_fen, points_used, points_discount_fen, payable_fen, points_to_earn,
           expires_at, paid_at, created_at, pickup_code, refunded_fen, ready_at, picked_up_at)
         VALUES ($1, $2, $3, $4, 0, 0, 0, 0, $4, 0, $5, $5, $5, $6, $7, $8, $9) RETURNING id`,
        [
          memberId,
          pickupPointId,
          more.state ?? 'completed',
          fen,
          paidAt,
          String(codes++),
          more.refundedFen ?? 0,
          more.readyAt ?? null,
          more.pickedUpAt ?? null,
        ],
      );
      return row.id;
    },

    /** A journal entry with the lot it made or moved, as the ledger writes them. */
    async points(
      memberId: string,
      type: string,
      amount: number,
      at: Date,
      lot: { state: string; expiresAt?: Date } | null = null,
    ): Promise<void> {
      const source = randomUUID();
      await t.dataSource.query(
        `INSERT INTO point_entries (member_id, type, amount, operation_key, source_type, source_id, created_at)
         VALUES ($1, $2, $3, $4, 'test', $4, $5)`,
        [memberId, type, amount, source, at],
      );
      if (lot)
        await t.dataSource.query(
          `INSERT INTO point_lots (member_id, source_type, source_id, amount, remaining, state,
             available_from, expires_at, created_at)
           VALUES ($1, 'test', $2, $3, $3, $4, CASE WHEN $4 = 'available' THEN $6::timestamptz END, $5, $6)`,
          [memberId, source, amount, lot.state, lot.expiresAt ?? null, at],
        );
    },
  };
}
