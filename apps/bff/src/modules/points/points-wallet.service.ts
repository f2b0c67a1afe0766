import { Injectable } from '@nestjs/common';
import { endOfBusinessDaysAhead } from '@linli/domain';
import { Clock } from '../../common/clock';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsEntryPage, PointsEntryQuery, PointsWallet } from './dto/points-wallet.dto';
import { PointsPolicyService } from './points-policy.service';

/** What a member sees of their points: balances derived from lots, and the journal. */
@Injectable()
export class PointsWalletService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly clock: Clock,
  ) {}

  /** Spendable points now: the remainders of available, unexpired lots (read from the spendable-lots index). */
  async available(ctx: RequestContext, memberId: string): Promise<number> {
    const [row] = await this.connection.query<{ available: number }>(
      ctx,
      `SELECT COALESCE(SUM(remaining), 0)::int AS available FROM point_lots
       WHERE member_id = $1 AND state = 'available' AND remaining > 0 AND expires_at >= $2`,
      [memberId, this.clock.now()],
    );
    return row.available;
  }

  async wallet(ctx: RequestContext, memberId: string): Promise<PointsWallet> {
    const now = this.clock.now();
    const { expiringSoonDays } = await this.policies.get(ctx);
    const [balances] = await this.connection.query<{
      available: number;
      pending: number;
      lifetime_earned: number;
    }>(
      ctx,
      `SELECT
         COALESCE((SELECT SUM(remaining) FROM point_lots
                   WHERE member_id = $1 AND state = 'available' AND remaining > 0 AND expires_at >= $2), 0)::int
           AS available,
         COALESCE((SELECT SUM(remaining) FROM point_lots WHERE member_id = $1 AND state = 'pending'), 0)::int AS pending,
         (COALESCE((SELECT SUM(amount) FROM point_entries
                    WHERE member_id = $1 AND (type IN ('earn', 'clawback') OR (type = 'adjust' AND amount > 0))), 0)
          - COALESCE((SELECT SUM(remaining) FROM point_lots WHERE member_id = $1 AND state = 'pending'), 0))::int
           AS lifetime_earned`,
      [memberId, now],
    );
    // Soon: by the end of the Shanghai day `expiringSoonDays` after today, as the expiry
    // notices count, so a lot ending at 23:59:59 on that day shows from the morning.
    const expiring = await this.connection.query<{ expires_at: Date; points: number }>(
      ctx,
      `SELECT expires_at, SUM(remaining)::int AS points FROM point_lots
       WHERE member_id = $1 AND state = 'available' AND remaining > 0
         AND expires_at >= $2 AND expires_at < $3
       GROUP BY expires_at ORDER BY expires_at`,
      [memberId, now, endOfBusinessDaysAhead(now, expiringSoonDays)],
    );
    return {
      available: balances.available,
      pending: balances.pending,
      expiringSoon: expiring.map((e) => ({
        points: e.points,
        expiresAt: e.expires_at.toISOString(),
      })),
      lifetimeEarned: balances.lifetime_earned,
    };
  }

  async entries(
    ctx: RequestContext,
    memberId: string,
    query: PointsEntryQuery,
  ): Promise<PointsEntryPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<{
      id: string;
      type: PointsEntryPage['items'][number]['type'];
      amount: number;
      source_type: string;
      source_id: string;
      reason: string | null;
      created_at: Date;
      cursor_at: string;
      pending: boolean;
    }>(
      ctx,
      // Pending: an entry that moved only a lot still waiting for its order to complete, or
      // one cancelled before it did (an order's earnings, a clawback or the cancellation of
      // such a lot); it never moved the balance. Once the lot becomes available, so do they.
      `SELECT id, type, amount, source_type, source_id, reason, created_at, created_at::text AS cursor_at,
              EXISTS (SELECT 1 FROM point_allocations a JOIN point_lots l ON l.id = a.lot_id
                      WHERE a.entry_id = e.id AND l.state IN ('pending', 'cancelled')) AS pending
       FROM point_entries e
       WHERE member_id = $1
         AND ($2::text IS NULL OR type = $2)
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
       ORDER BY created_at DESC, id DESC
       LIMIT $5`,
      [memberId, query.type ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        type: r.type,
        amount: r.amount,
        sourceType: r.source_type,
        sourceId: r.source_id,
        reason: r.reason,
        createdAt: r.created_at.toISOString(),
        pending: r.pending,
      })),
      nextCursor,
    };
  }
}
