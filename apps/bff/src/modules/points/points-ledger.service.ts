import { Injectable } from '@nestjs/common';
import {
  Allocation,
  allocateClawback,
  allocateReturn,
  allocateSpend,
  LotBalance,
  lotExpiresAt,
} from '@linli/domain';
import { Clock } from '../../common/clock';
import { stableJson } from '../../common/idempotency/stable-json';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { pointsInsufficient, pointsOperationConflict } from './points.exception';
import { PointsPolicyService } from './points-policy.service';

/** What a ledger operation is about: an order, a refund, a check-in, an adjustment... */
export interface PointsSource {
  type: string;
  id: string;
}

export type EntryType = 'earn' | 'spend' | 'expire' | 'return' | 'clawback' | 'adjust';

interface LotRow {
  id: string;
  remaining: number;
  expires_at: Date;
}

/** Points are whole numbers; a programming error elsewhere must not reach the ledger. */
function assertPoints(amount: number, kind: 'positive' | 'non-zero' | 'zero or more'): void {
  const ok =
    Number.isSafeInteger(amount) &&
    (kind === 'positive' ? amount > 0 : kind === 'non-zero' ? amount !== 0 : amount >= 0);
  if (!ok) throw new RangeError(`points must be a ${kind} integer, got ${amount}`);
}

const toLot = (row: LotRow): LotBalance => ({
  id: row.id,
  remaining: row.remaining,
  expiresAt: row.expires_at,
});

/**
 * The points ledger. Every operation runs inside the caller's transaction, locks the
 * member's account row first (so a member's operations are serialised and locks are always
 * taken account-then-lots), is exactly-once on its operation key, and writes an append-only
 * journal entry with the lots it moved. Balances are derived from the lots; nothing is
 * read-modified-written: lot updates are guarded by their CHECK constraints and the lock.
 */
@Injectable()
export class PointsLedger {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly clock: Clock,
  ) {}

  /** Credits points earned by a source as a pending lot; they count once activated. */
  earnPending(ctx: RequestContext, memberId: string, source: PointsSource, amount: number) {
    assertPoints(amount, 'zero or more');
    return this.once(ctx, memberId, `earn:${source.type}:${source.id}`, { amount }, async () => {
      if (amount === 0) return { amount: 0, lotId: null as string | null };
      const [lot] = await this.connection.query<{ id: string }>(
        ctx,
        `INSERT INTO point_lots (member_id, source_type, source_id, amount, remaining, state)
         VALUES ($1, $2, $3, $4, $4, 'pending') RETURNING id`,
        [memberId, source.type, source.id, amount],
      );
      await this.journal(ctx, memberId, 'earn', `earn:${source.type}:${source.id}`, source, [
        { lotId: lot.id, amount },
      ]);
      return { amount, lotId: lot.id as string | null };
    });
  }

  /** Makes a source's pending lot spendable from now, with its expiry. */
  activate(ctx: RequestContext, memberId: string, source: PointsSource) {
    // Idempotent by the lot's state: only a pending lot can be activated, once.
    return this.locked(ctx, memberId, async () => {
      const now = this.clock.now();
      const { expiryMonths } = await this.policies.get(ctx);
      const [lot] = await this.connection.query<{
        id: string;
        remaining: number;
        expires_at: Date;
      }>(
        ctx,
        `UPDATE point_lots SET state = 'available', available_from = $4, expires_at = $5
         WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND state = 'pending'
         RETURNING id, remaining, expires_at`,
        [memberId, source.type, source.id, now, lotExpiresAt(now, expiryMonths)],
      );
      return lot
        ? { activated: lot.remaining, expiresAt: lot.expires_at.toISOString() }
        : { activated: 0, expiresAt: null as string | null };
    });
  }

  /** Cancels a source's pending lot (its order was cancelled before completing). */
  cancelPending(ctx: RequestContext, memberId: string, source: PointsSource) {
    const key = `cancel:${source.type}:${source.id}`;
    // Idempotent by the lot's state: only a pending lot can be cancelled, once.
    return this.locked(ctx, memberId, async () => {
      const [lot] = await this.connection.query<{ id: string; remaining: number }>(
        ctx,
        `SELECT id, remaining FROM point_lots
         WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND state = 'pending' FOR UPDATE`,
        [memberId, source.type, source.id],
      );
      if (!lot) return { cancelled: 0 };
      await this.moveLots(
        ctx,
        lot.remaining > 0 ? [{ lotId: lot.id, amount: -lot.remaining }] : [],
      );
      await this.connection.query(ctx, `UPDATE point_lots SET state = 'cancelled' WHERE id = $1`, [
        lot.id,
      ]);
      if (lot.remaining > 0) {
        await this.journal(ctx, memberId, 'clawback', key, source, [
          { lotId: lot.id, amount: -lot.remaining },
        ]);
      }
      return { cancelled: lot.remaining };
    });
  }

  /** Spends available points, earliest-expiring lots first. POINTS_INSUFFICIENT when they do not cover it. */
  spend(ctx: RequestContext, memberId: string, source: PointsSource, amount: number) {
    assertPoints(amount, 'positive');
    const key = `spend:${source.type}:${source.id}`;
    return this.once(ctx, memberId, key, { amount }, async () => {
      const plan = await this.planSpend(ctx, memberId, amount);
      await this.moveLots(ctx, plan);
      const entryId = await this.journal(ctx, memberId, 'spend', key, source, plan);
      return { spent: amount, entryId };
    });
  }

  /**
   * Returns points that `spendSource` spent to the lots they came from; what belonged to lots
   * that have expired since is forfeited. `returnId` names this return (e.g. a refund).
   */
  returnSpent(
    ctx: RequestContext,
    memberId: string,
    spendSource: PointsSource,
    returnId: string,
    amount: number,
  ) {
    assertPoints(amount, 'positive');
    const key = `return:${returnId}`;
    return this.once(ctx, memberId, key, { amount, spendSource }, async () => {
      const spentFrom = await this.connection.query<{
        lot_id: string;
        spent: number;
        returned: number;
        expires_at: Date;
      }>(
        ctx,
        `SELECT a.lot_id,
                -SUM(a.amount) FILTER (WHERE e.type = 'spend')::int AS spent,
                COALESCE(SUM(a.amount) FILTER (WHERE e.type = 'return'), 0)::int AS returned,
                l.expires_at
         FROM point_entries e
         JOIN point_allocations a ON a.entry_id = e.id
         JOIN point_lots l ON l.id = a.lot_id
         WHERE e.member_id = $1 AND e.source_type = $2 AND e.source_id = $3 AND e.type IN ('spend', 'return')
         GROUP BY a.lot_id, l.expires_at`,
        [memberId, spendSource.type, spendSource.id],
      );
      const plan = allocateReturn(
        spentFrom.map((r) => ({
          lotId: r.lot_id,
          spent: r.spent ?? 0,
          returned: r.returned,
          expiresAt: r.expires_at,
        })),
        amount,
        this.clock.now(),
      );
      await this.lockLots(ctx, plan.allocations);
      await this.moveLots(ctx, plan.allocations);
      if (plan.returned > 0)
        await this.journal(ctx, memberId, 'return', key, spendSource, plan.allocations);
      return { returned: plan.returned, forfeited: plan.forfeited };
    });
  }

  /**
   * Takes back points that `earnSource` earned: from its pending lot first, then from
   * available points. Reports the shortfall the points could not cover.
   */
  clawBack(
    ctx: RequestContext,
    memberId: string,
    earnSource: PointsSource,
    clawbackId: string,
    amount: number,
  ) {
    assertPoints(amount, 'positive');
    const key = `clawback:${clawbackId}`;
    return this.once(ctx, memberId, key, { amount, earnSource }, async () => {
      const [pending] = await this.connection.query<{ id: string; remaining: number }>(
        ctx,
        `SELECT id, remaining FROM point_lots
         WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND state = 'pending' FOR UPDATE`,
        [memberId, earnSource.type, earnSource.id],
      );
      const available = await this.availableLots(ctx, memberId);
      const plan = allocateClawback(pending ?? null, available.map(toLot), amount);
      await this.moveLots(ctx, plan.allocations);
      if (plan.clawedBack > 0)
        await this.journal(ctx, memberId, 'clawback', key, earnSource, plan.allocations);
      return { clawedBack: plan.clawedBack, shortfall: plan.shortfall };
    });
  }

  /** An operator's correction: a credit becomes a new available lot; a debit never goes below zero. */
  adjust(
    ctx: RequestContext,
    memberId: string,
    amount: number,
    reason: string,
    operationKey: string,
  ) {
    assertPoints(amount, 'non-zero');
    const key = `adjust:${operationKey}`;
    const source = { type: 'adjustment', id: operationKey };
    return this.once(ctx, memberId, key, { amount, reason }, async () => {
      let allocations: Allocation[];
      if (amount > 0) {
        const now = this.clock.now();
        const { expiryMonths } = await this.policies.get(ctx);
        const [lot] = await this.connection.query<{ id: string }>(
          ctx,
          `INSERT INTO point_lots (member_id, source_type, source_id, amount, remaining, state, available_from, expires_at)
           VALUES ($1, $2, $3, $4, $4, 'available', $5, $6) RETURNING id`,
          [memberId, source.type, source.id, amount, now, lotExpiresAt(now, expiryMonths)],
        );
        allocations = [{ lotId: lot.id, amount }];
      } else {
        allocations = await this.planSpend(ctx, memberId, -amount);
        await this.moveLots(ctx, allocations);
      }
      const entryId = await this.journal(ctx, memberId, 'adjust', key, source, allocations, reason);
      return { adjusted: amount, entryId };
    });
  }

  /**
   * Expires the lots of up to `limit` members whose expiry has passed. Safe to run while
   * members spend: each member is handled under their account lock, and each lot's expiry is
   * an exactly-once operation. Returns how many members it handled.
   */
  async expireDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const members = await this.connection.query<{ member_id: string }>(
      ctx,
      `SELECT DISTINCT member_id FROM point_lots WHERE state = 'available' AND expires_at < $1 LIMIT $2`,
      [now, limit],
    );
    for (const { member_id: memberId } of members) {
      await this.lockAccount(ctx, memberId);
      const due = await this.connection.query<{
        id: string;
        remaining: number;
        source_type: string;
        source_id: string;
      }>(
        ctx,
        `SELECT id, remaining, source_type, source_id FROM point_lots
         WHERE member_id = $1 AND state = 'available' AND expires_at < $2 ORDER BY expires_at, id FOR UPDATE`,
        [memberId, now],
      );
      for (const lot of due) {
        const allocations = lot.remaining > 0 ? [{ lotId: lot.id, amount: -lot.remaining }] : [];
        await this.moveLots(ctx, allocations);
        await this.connection.query(ctx, `UPDATE point_lots SET state = 'expired' WHERE id = $1`, [
          lot.id,
        ]);
        if (lot.remaining > 0) {
          await this.journal(
            ctx,
            memberId,
            'expire',
            `expire:${lot.id}`,
            { type: lot.source_type, id: lot.source_id },
            allocations,
          );
        }
      }
    }
    return members.length;
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Runs an operation once per member and key: under the account lock, a stored result is
   * replayed (the same values) or refused (different values).
   */
  private async once<T>(
    ctx: RequestContext,
    memberId: string,
    operationKey: string,
    request: Record<string, unknown>,
    work: () => Promise<T>,
  ): Promise<T & { replayed: boolean }> {
    return this.locked(ctx, memberId, async () => {
      const [previous] = await this.connection.query<{ request: unknown; result: T }>(
        ctx,
        `SELECT request, result FROM point_operations WHERE member_id = $1 AND operation_key = $2`,
        [memberId, operationKey],
      );
      if (previous) {
        if (stableJson(previous.request) !== stableJson(request))
          throw pointsOperationConflict(operationKey);
        return { ...previous.result, replayed: true };
      }
      const result = await work();
      await this.connection.query(
        ctx,
        `INSERT INTO point_operations (member_id, operation_key, request, result) VALUES ($1, $2, $3, $4)`,
        [memberId, operationKey, stableJson(request), JSON.stringify(result)],
      );
      return { ...result, replayed: false };
    });
  }

  /** Runs work in a transaction holding the member's account lock. */
  private locked<T>(ctx: RequestContext, memberId: string, work: () => Promise<T>): Promise<T> {
    return this.connection.withTransaction(ctx, async () => {
      await this.lockAccount(ctx, memberId);
      return work();
    });
  }

  private async lockAccount(ctx: RequestContext, memberId: string): Promise<void> {
    await this.connection.query(
      ctx,
      `INSERT INTO point_accounts (member_id) VALUES ($1) ON CONFLICT DO NOTHING`,
      [memberId],
    );
    await this.connection.query(
      ctx,
      `SELECT member_id FROM point_accounts WHERE member_id = $1 FOR UPDATE`,
      [memberId],
    );
  }

  private availableLots(ctx: RequestContext, memberId: string): Promise<LotRow[]> {
    return this.connection.query<LotRow>(
      ctx,
      `SELECT id, remaining, expires_at FROM point_lots
       WHERE member_id = $1 AND state = 'available' AND remaining > 0 AND expires_at >= $2
       ORDER BY expires_at, id FOR UPDATE`,
      [memberId, this.clock.now()],
    );
  }

  private async planSpend(
    ctx: RequestContext,
    memberId: string,
    amount: number,
  ): Promise<Allocation[]> {
    const lots = await this.availableLots(ctx, memberId);
    const plan = allocateSpend(lots.map(toLot), amount);
    if (!plan)
      throw pointsInsufficient(
        amount,
        lots.reduce((sum, lot) => sum + lot.remaining, 0),
      );
    return plan;
  }

  private async lockLots(ctx: RequestContext, allocations: Allocation[]): Promise<void> {
    if (allocations.length === 0) return;
    await this.connection.query(
      ctx,
      `SELECT id FROM point_lots WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [allocations.map((a) => a.lotId)],
    );
  }

  /** Applies allocations to lots; the CHECK constraints refuse any remainder below 0 or above the amount. */
  private async moveLots(ctx: RequestContext, allocations: Allocation[]): Promise<void> {
    if (allocations.length === 0) return;
    await this.connection.query(
      ctx,
      `UPDATE point_lots l SET remaining = l.remaining + m.amount
       FROM unnest($1::uuid[], $2::int[]) AS m(lot_id, amount) WHERE l.id = m.lot_id`,
      [allocations.map((a) => a.lotId), allocations.map((a) => a.amount)],
    );
  }

  private async journal(
    ctx: RequestContext,
    memberId: string,
    type: EntryType,
    operationKey: string,
    source: PointsSource,
    allocations: Allocation[],
    reason: string | null = null,
  ): Promise<string> {
    const amount = allocations.reduce((sum, a) => sum + a.amount, 0);
    const [entry] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO point_entries (member_id, type, amount, operation_key, source_type, source_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [memberId, type, amount, operationKey, source.type, source.id, reason],
    );
    await this.connection.query(
      ctx,
      `INSERT INTO point_allocations (entry_id, lot_id, amount)
       SELECT $1, lot_id, amount FROM unnest($2::uuid[], $3::int[]) AS m(lot_id, amount)`,
      [entry.id, allocations.map((a) => a.lotId), allocations.map((a) => a.amount)],
    );
    return entry.id;
  }
}
