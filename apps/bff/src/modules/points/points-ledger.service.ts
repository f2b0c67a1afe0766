import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Allocation,
  allocateClawback,
  allocateReturn,
  allocateSpend,
  LotBalance,
  lotExpiresAt,
} from '@linli/domain';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { stableJson } from '../../common/idempotency/stable-json';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { pointsInsufficient, pointsOperationConflict } from './points.exception';

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
    private readonly clock: Clock,
  ) {}

  /**
   * Credits points earned by a source as a pending lot; they count once activated. `reason`
   * tells the member what they are for, where the source alone does not.
   */
  earnPending(
    ctx: RequestContext,
    memberId: string,
    source: PointsSource,
    amount: number,
    reason?: string,
  ) {
    assertPoints(amount, 'zero or more');
    const key = `earn:${source.type}:${source.id}`;
    return this.once(ctx, memberId, key, { amount }, async () => {
      if (amount === 0) return { result: { amount: 0, lotId: null as string | null } };
      const credit = newLot(amount, { state: 'pending', availableFrom: null, expiresAt: null });
      return {
        result: { amount, lotId: credit.allocations[0].lotId as string | null },
        journal: { type: 'earn' as const, source, ...credit, reason },
      };
    });
  }

  /** Makes a source's pending lot spendable from now, with its expiry. */
  activate(ctx: RequestContext, memberId: string, source: PointsSource) {
    // Idempotent by the lot's state: only a pending lot can be activated, once.
    return this.connection.withTransaction(ctx, async () => {
      const { expiryMonths } = await this.lockAccount(ctx, memberId);
      const now = this.clock.now();
      const [lot] = await this.connection.query<{ remaining: number; expires_at: Date }>(
        ctx,
        `UPDATE point_lots SET state = 'available', available_from = $4, expires_at = $5
         WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND state = 'pending'
         RETURNING remaining, expires_at`,
        [memberId, source.type, source.id, now, lotExpiresAt(now, expiryMonths)],
      );
      return lot
        ? { activated: lot.remaining, expiresAt: lot.expires_at.toISOString() }
        : { activated: 0, expiresAt: null as string | null };
    });
  }

  /** Cancels a source's pending lot (its order was cancelled before completing). */
  cancelPending(ctx: RequestContext, memberId: string, source: PointsSource) {
    // Idempotent by the lot's state: only a pending lot can be cancelled, once.
    return this.connection.withTransaction(ctx, async () => {
      await this.lockAccount(ctx, memberId);
      const [lot] = await this.connection.query<{ id: string; remaining: number }>(
        ctx,
        `SELECT id, remaining FROM point_lots
         WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND state = 'pending' FOR UPDATE`,
        [memberId, source.type, source.id],
      );
      if (!lot) return { cancelled: 0 };
      const allocations = lot.remaining > 0 ? [{ lotId: lot.id, amount: -lot.remaining }] : [];
      await this.moveLots(ctx, allocations);
      await this.connection.query(ctx, `UPDATE point_lots SET state = 'cancelled' WHERE id = $1`, [
        lot.id,
      ]);
      await this.record(ctx, memberId, `cancel:${source.type}:${source.id}`, null, {
        type: 'clawback',
        source,
        allocations,
      });
      return { cancelled: lot.remaining };
    });
  }

  /** Spends available points, earliest-expiring lots first. POINTS_INSUFFICIENT when they do not cover it. */
  spend(ctx: RequestContext, memberId: string, source: PointsSource, amount: number) {
    assertPoints(amount, 'positive');
    return this.once(
      ctx,
      memberId,
      `spend:${source.type}:${source.id}`,
      { amount },
      async ({ entryId }) => {
        const allocations = await this.planSpend(ctx, memberId, amount);
        return {
          result: { spent: amount, entryId },
          journal: { type: 'spend' as const, source, allocations, lots: 'move' as const },
        };
      },
    );
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
    return this.once(ctx, memberId, `return:${returnId}`, { amount, spendSource }, async () => {
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
      return {
        result: { returned: plan.returned, forfeited: plan.forfeited },
        journal: {
          type: 'return' as const,
          source: spendSource,
          allocations: plan.allocations,
          lots: 'move' as const,
        },
      };
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
    return this.once(ctx, memberId, `clawback:${clawbackId}`, { amount, earnSource }, async () => {
      const [pending] = await this.connection.query<{ id: string; remaining: number }>(
        ctx,
        `SELECT id, remaining FROM point_lots
         WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND state = 'pending' FOR UPDATE`,
        [memberId, earnSource.type, earnSource.id],
      );
      const available = await this.availableLots(ctx, memberId, amount);
      const plan = allocateClawback(pending ?? null, available.map(toLot), amount);
      return {
        result: { clawedBack: plan.clawedBack, shortfall: plan.shortfall },
        journal: {
          type: 'clawback' as const,
          source: earnSource,
          allocations: plan.allocations,
          lots: 'move' as const,
        },
      };
    });
  }

  /**
   * An operator's correction: a credit becomes a new available lot; a debit never goes below
   * zero. The member sees the adjustment's own entry id as its source, never `operationKey`,
   * which may name the operator.
   */
  adjust(
    ctx: RequestContext,
    memberId: string,
    amount: number,
    reason: string,
    operationKey: string,
  ) {
    assertPoints(amount, 'non-zero');
    return this.once(
      ctx,
      memberId,
      `adjust:${operationKey}`,
      { amount, reason },
      async ({ entryId, expiryMonths }) => {
        const source = { type: 'adjustment', id: entryId };
        const lots =
          amount > 0
            ? this.availableCredit(amount, expiryMonths)
            : {
                allocations: await this.planSpend(ctx, memberId, -amount),
                lots: 'move' as const,
              };
        return {
          result: { adjusted: amount, entryId },
          journal: { type: 'adjust' as const, source, ...lots, reason },
        };
      },
    );
  }

  /** Credits points that are spendable at once (a gift, a reward): an available lot and an earn entry. */
  grant(
    ctx: RequestContext,
    memberId: string,
    source: PointsSource,
    amount: number,
    reason: string,
  ) {
    assertPoints(amount, 'positive');
    const key = `grant:${source.type}:${source.id}`;
    return this.once(ctx, memberId, key, { amount, reason }, async ({ entryId, expiryMonths }) => ({
      result: { granted: amount, entryId },
      journal: {
        type: 'earn' as const,
        source,
        ...this.availableCredit(amount, expiryMonths),
        reason,
      },
    }));
  }

  /**
   * Expires the lots of up to `limit` members whose expiry has passed. Safe to run while
   * members spend: each member is handled under their account lock, and each lot's expiry is
   * recorded once. Returns how many members it handled. The batch holds every account it
   * locks until it commits, so it takes them in member id order.
   */
  async expireDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const members = await this.connection.query<{ member_id: string }>(
      ctx,
      `SELECT DISTINCT member_id FROM point_lots WHERE state = 'available' AND expires_at < $1
       ORDER BY member_id LIMIT $2`,
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
        await this.record(ctx, memberId, `expire:${lot.id}`, null, {
          type: 'expire',
          source: { type: lot.source_type, id: lot.source_id },
          allocations,
        });
      }
    }
    return members.length;
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Runs an operation once per member and key: under the account lock, a stored result is
   * replayed (the same values) or refused (different values); otherwise the work runs and its
   * journal entry and result are recorded together.
   */
  private once<R extends object>(
    ctx: RequestContext,
    memberId: string,
    operationKey: string,
    request: Record<string, unknown>,
    work: OperationWork<R>,
  ): Promise<R & { replayed: boolean }> {
    return this.connection.withTransaction(ctx, async () => {
      const { previous, expiryMonths } = await this.lockAccount(ctx, memberId, operationKey);
      if (previous) {
        if (stableJson(previous.request) !== stableJson(request))
          throw pointsOperationConflict(operationKey);
        return { ...(previous.result as R), replayed: true };
      }
      const entryId = randomUUID();
      const { result, journal } = await work({ entryId, expiryMonths });
      await this.record(ctx, memberId, operationKey, { request, result }, journal ?? null, entryId);
      return { ...result, replayed: false };
    });
  }

  /**
   * Locks the members' points accounts for the caller's transaction, for work that goes on to
   * lock their other rows (the ledger's own callers take the account first) or to write to more
   * than one of them: in member id order, as the expiry job takes them, so that two transactions
   * each holding one never wait for each other's.
   */
  async holdAccounts(ctx: RequestContext, memberIds: string[]): Promise<void> {
    for (const memberId of [...new Set(memberIds)].sort()) await this.lockAccount(ctx, memberId);
  }

  /**
   * Locks the member's account row (creating it on first use), and reads the expiry policy and
   * the stored operation with this key, in one statement; a member who does not exist is 404.
   * Under READ COMMITTED that statement reads with the snapshot it started with: if it waited
   * for the lock, an operation that the lock holder committed meanwhile is not in it. Every lock
   * raises the account's version by one, so a version that rose by more than one since the
   * snapshot says that another operation went first; the operation is then read again, in a
   * statement of its own, whose snapshot comes after the lock.
   */
  private async lockAccount(
    ctx: RequestContext,
    memberId: string,
    operationKey: string | null = null,
  ): Promise<{ previous: StoredOperation | null; expiryMonths: number }> {
    const [account] = await this.connection.query<{
      up_to_date: boolean;
      expiry_months: number;
      request: unknown;
      result: unknown;
    }>(
      ctx,
      `WITH seen AS (
         -- The account as this statement's snapshot has it.
         SELECT version FROM point_accounts WHERE member_id = $1),
       account AS (
         -- Creates the account of an existing member, or locks the one there is (waiting for
         -- the operation that holds it); either way its version goes up by one.
         INSERT INTO point_accounts (member_id) SELECT id FROM members WHERE id = $1
         ON CONFLICT (member_id) DO UPDATE SET version = point_accounts.version + 1
         RETURNING version)
       SELECT account.version = COALESCE((SELECT version + 1 FROM seen), 0) AS up_to_date,
              (SELECT expiry_months FROM points_policy WHERE id = 1) AS expiry_months,
              operation.request, operation.result
       FROM account
       LEFT JOIN point_operations operation
         ON operation.member_id = $1 AND operation.operation_key = $2`,
      [memberId, operationKey],
    );
    if (!account) throw AppException.notFound('Member');
    let previous: StoredOperation | null =
      account.request === null ? null : { request: account.request, result: account.result };
    if (operationKey !== null && !account.up_to_date) {
      [previous = null] = await this.connection.query<StoredOperation>(
        ctx,
        `SELECT request, result FROM point_operations WHERE member_id = $1 AND operation_key = $2`,
        [memberId, operationKey],
      );
    }
    return { previous, expiryMonths: account.expiry_months };
  }

  /** A credit spendable from now: a new available lot with the policy's expiry. */
  private availableCredit(amount: number, expiryMonths: number) {
    const now = this.clock.now();
    return newLot(amount, {
      state: 'available',
      availableFrom: now,
      expiresAt: lotExpiresAt(now, expiryMonths),
    });
  }

  /**
   * Locks and returns the member's earliest-expiring available lots, as many as it takes to
   * cover `upTo` points (all of them when they do not). A member may hold hundreds of lots;
   * every spendable lot holds at least one point, so the first `upTo` of them in the
   * spendable-lots index are all a debit can draw from, and it reads no more.
   */
  private availableLots(ctx: RequestContext, memberId: string, upTo: number): Promise<LotRow[]> {
    return this.connection.query<LotRow>(
      ctx,
      `SELECT id, remaining, expires_at FROM point_lots
       WHERE id IN (
         SELECT id FROM (
           SELECT id, SUM(remaining) OVER (ORDER BY expires_at, id) - remaining AS before
           FROM (
             SELECT id, remaining, expires_at FROM point_lots
             WHERE member_id = $1 AND state = 'available' AND remaining > 0 AND expires_at >= $2
             ORDER BY expires_at, id LIMIT $3
           ) earliest
         ) running
         WHERE before < $3)
       ORDER BY expires_at, id FOR UPDATE`,
      [memberId, this.clock.now(), upTo],
    );
  }

  private async planSpend(
    ctx: RequestContext,
    memberId: string,
    amount: number,
  ): Promise<Allocation[]> {
    const lots = await this.availableLots(ctx, memberId, amount);
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

  /**
   * Writes, in one statement, the journal entry with its allocations (when points moved), what
   * they do to the lots (`journal.lots`) and the operation's stored result (when it is a keyed
   * operation).
   */
  private async record(
    ctx: RequestContext,
    memberId: string,
    operationKey: string,
    operation: StoredOperation | null,
    journal: Journal | null,
    entryId: string = randomUUID(),
  ): Promise<void> {
    const allocated = journal?.allocations.filter((a) => a.amount !== 0) ?? [];
    const amount = allocated.reduce((sum, a) => sum + a.amount, 0);
    const writeEntry = journal !== null && allocated.length > 0;
    if (!writeEntry && !operation) return;
    const lots = journal?.lots;
    const created = typeof lots === 'object' ? lots.create : null;
    const moved = lots === 'move' ? allocated : [];
    await this.connection.query(
      ctx,
      `WITH created AS (
         -- A credit's new lot: the entry's one allocation, so its source and amount.
         INSERT INTO point_lots (id, member_id, source_type, source_id, amount, remaining, state,
           available_from, expires_at)
         SELECT $14, $2, $6, $7, $4, $4, $15, $16, $17 WHERE $14::uuid IS NOT NULL),
       moved AS (
         -- Lots the caller holds locked give or take back the allocations; their CHECK
         -- constraints refuse a remainder below 0 or above the lot's amount.
         UPDATE point_lots l SET remaining = l.remaining + m.amount
         FROM unnest($18::uuid[], $19::int[]) AS m(lot_id, amount) WHERE l.id = m.lot_id),
       entry AS (
         INSERT INTO point_entries (id, member_id, type, amount, operation_key, source_type, source_id, reason)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE $9::boolean
         RETURNING id),
       allocations AS (
         INSERT INTO point_allocations (entry_id, lot_id, amount)
         SELECT entry.id, m.lot_id, m.amount FROM entry, unnest($10::uuid[], $11::int[]) AS m(lot_id, amount))
       INSERT INTO point_operations (member_id, operation_key, request, result)
       SELECT $2, $5, $12, $13 WHERE $12::jsonb IS NOT NULL`,
      [
        entryId,
        memberId,
        journal?.type ?? null,
        amount,
        operationKey,
        journal?.source.type ?? null,
        journal?.source.id ?? null,
        journal?.reason ?? null,
        writeEntry,
        allocated.map((a) => a.lotId),
        allocated.map((a) => a.amount),
        operation ? stableJson(operation.request) : null,
        operation ? JSON.stringify(operation.result) : null,
        created ? allocated[0].lotId : null,
        created?.state ?? null,
        created?.availableFrom ?? null,
        created?.expiresAt ?? null,
        moved.map((a) => a.lotId),
        moved.map((a) => a.amount),
      ],
    );
  }
}

/** A request and the result it was answered with, as a keyed operation stores them. */
interface StoredOperation {
  request: unknown;
  result: unknown;
}

/** What an operation does once it holds the account and knows it is not a replay. */
type OperationWork<R> = (context: {
  entryId: string;
  expiryMonths: number;
}) => Promise<{ result: R; journal?: Journal }>;

/** A lot a credit creates; it holds all its points from the start. */
interface NewLot {
  state: 'pending' | 'available';
  availableFrom: Date | null;
  expiresAt: Date | null;
}

/** A credit's allocation to the new lot it creates, with that lot, for a journal entry. */
function newLot(amount: number, lot: NewLot): Pick<Journal, 'allocations' | 'lots'> {
  return { allocations: [{ lotId: randomUUID(), amount }], lots: { create: lot } };
}

/** The journal entry an operation writes: its type, what it is about, the lots it moved. */
interface Journal {
  type: EntryType;
  source: PointsSource;
  allocations: Allocation[];
  reason?: string;
  /**
   * What the statement that records the entry does to the lots: `move` adds the allocations to
   * lots the operation holds locked; `create` makes the new lot of a credit's one allocation.
   * Absent when the operation has moved them already.
   */
  lots?: 'move' | { create: NewLot };
}
