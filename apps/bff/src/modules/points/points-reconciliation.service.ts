import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import {
  ReconciliationMismatch,
  ReconciliationReport,
  ReconciliationRun,
} from './dto/points-admin.dto';

/**
 * The ledger's invariants, checked in one set-based statement over the accounts that the SQL
 * `accounts` selects (a `member_id` column):
 * - every lot's remainder is the sum of the journal allocations that touched it;
 * - every journal entry's amount is the sum of its allocations, and goes the way its type
 *   does (earn and return credit; spend, expire and clawback debit; adjust either);
 * - a member's journal total equals the remainders of their lots, so that
 *   available = the remainders of their available, unexpired lots;
 * - cancelled and expired lots hold nothing; pending lots were touched only by the earn that
 *   made them and clawbacks.
 * One statement reads one snapshot: operations committing meanwhile are seen whole or not at all.
 */
const problemsIn = (accounts: string) => `WITH acc AS (${accounts}),
   lot_sums AS (
     SELECT l.id, l.member_id, l.remaining, l.state, COALESCE(SUM(a.amount), 0) AS allocated
     FROM acc JOIN point_lots l USING (member_id) LEFT JOIN point_allocations a ON a.lot_id = l.id
     GROUP BY l.id),
   entry_sums AS (
     SELECT e.id, e.member_id, e.type, e.amount, COALESCE(SUM(a.amount), 0) AS allocated
     FROM acc JOIN point_entries e USING (member_id) LEFT JOIN point_allocations a ON a.entry_id = e.id
     GROUP BY e.id)
 SELECT member_id, 'lot ' || id || ' holds ' || remaining || ' but its allocations sum to ' || allocated AS problem
   FROM lot_sums WHERE remaining <> allocated
 UNION ALL
 SELECT member_id, 'lot ' || id || ' is ' || state || ' but holds ' || remaining
   FROM lot_sums WHERE state IN ('cancelled', 'expired') AND remaining <> 0
 UNION ALL
 SELECT member_id, 'entry ' || id || ' of ' || amount || ' has allocations summing to ' || allocated
   FROM entry_sums WHERE amount <> allocated
 UNION ALL
 SELECT member_id, type || ' entry ' || id || ' of ' || amount || ' goes the wrong way'
   FROM entry_sums
   WHERE (type IN ('earn', 'return') AND amount < 0) OR (type IN ('spend', 'expire', 'clawback') AND amount > 0)
 UNION ALL
 SELECT l.member_id, 'pending lot ' || l.id || ' was touched by ' || e.type || ' entry ' || e.id
   FROM acc JOIN point_lots l USING (member_id)
     JOIN point_allocations a ON a.lot_id = l.id JOIN point_entries e ON e.id = a.entry_id
   WHERE l.state = 'pending' AND e.type NOT IN ('earn', 'clawback')
 UNION ALL
 SELECT acc.member_id, 'journal total ' || COALESCE(j.total, 0) || ' differs from lot remainders ' || COALESCE(l.total, 0)
   FROM acc
     LEFT JOIN LATERAL (SELECT SUM(amount) AS total FROM point_entries e WHERE e.member_id = acc.member_id) j ON true
     LEFT JOIN LATERAL (SELECT SUM(remaining) AS total FROM point_lots l WHERE l.member_id = acc.member_id) l ON true
   WHERE COALESCE(j.total, 0) <> COALESCE(l.total, 0)
 ORDER BY 1, 2`;

const EVERY_ACCOUNT = problemsIn(`SELECT member_id FROM point_accounts`);
/**
 * The nightly run keeps the problems of this many accounts, and counts the rest: a ledger gone
 * wrong everywhere would otherwise make every slice rewrite an ever larger record.
 */
export const MISMATCHES_KEPT = 1_000;
/** How long one slice's check may take in the nightly run. */
const SLICE_TIMEOUT_MS = 5 * 60_000;
const THESE_ACCOUNTS = problemsIn(`SELECT unnest($1::uuid[]) AS member_id`);

interface RunRow {
  id: string;
  started_at: Date;
  finished_at: Date | null;
  checked_through: string | null;
  accounts_checked: number;
  mismatched_accounts: number;
  mismatches: ReconciliationMismatch[];
}

/** What a slice of the nightly reconciliation did: accounts checked, and whether it was the last. */
export interface SliceChecked {
  checked: number;
  finished: ReconciliationRun | null;
}

@Injectable()
export class PointsReconciliationService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  /** Every account at once, in one request: for a ledger small enough to check while asked. */
  async run(ctx: RequestContext): Promise<ReconciliationReport> {
    const checkedAt = this.clock.now();
    const mismatches = await this.mismatches(ctx, EVERY_ACCOUNT, []);
    return { accounts: await this.accounts(ctx), mismatches, checkedAt: checkedAt.toISOString() };
  }

  /**
   * Checks the next `size` accounts of the open reconciliation (starting one if none is open),
   * in member-id order, and records how far it got and what it found; a slice with fewer
   * accounts than `size` is the last, and closes the reconciliation.
   */
  async checkNextSlice(ctx: RequestContext, size: number): Promise<SliceChecked> {
    const now = this.clock.now();
    const [open] = await this.connection.query<RunRow>(
      ctx,
      `SELECT * FROM points_reconciliations WHERE finished_at IS NULL FOR UPDATE`,
    );
    const run =
      open ??
      (
        await this.connection.query<RunRow>(
          ctx,
          `INSERT INTO points_reconciliations (started_at) VALUES ($1) RETURNING *`,
          [now],
        )
      )[0];
    const slice = await this.connection.query<{ member_id: string }>(
      ctx,
      // A range the primary key's index starts at, with or without a place to go on from.
      `SELECT member_id FROM point_accounts
       WHERE member_id > COALESCE($1::uuid, '00000000-0000-0000-0000-000000000000')
       ORDER BY member_id LIMIT $2`,
      [run.checked_through, size],
    );
    const ids = slice.map((a) => a.member_id);
    // Reading a slice's ledger from disk (cold, after a restart) can outlast the statement
    // timeout requests have; the nightly run waits for it.
    const found =
      ids.length > 0 ? await this.mismatches(ctx, THESE_ACCOUNTS, [ids], SLICE_TIMEOUT_MS) : [];
    const [after] = await this.connection.query<RunRow>(
      ctx,
      `UPDATE points_reconciliations
       SET checked_through = COALESCE($2, checked_through), accounts_checked = accounts_checked + $3,
           mismatched_accounts = mismatched_accounts + $7,
           mismatches = CASE WHEN $7 = 0 THEN mismatches ELSE mismatches || $4::jsonb END,
           finished_at = CASE WHEN $3 < $5 THEN $6::timestamptz END
       WHERE id = $1 RETURNING *`,
      [
        run.id,
        ids.at(-1) ?? null,
        ids.length,
        JSON.stringify(found.slice(0, Math.max(0, MISMATCHES_KEPT - run.mismatched_accounts))),
        size,
        now,
        found.length,
      ],
    );
    return {
      checked: ids.length,
      finished: after.finished_at ? await this.toRun(ctx, after) : null,
    };
  }

  /** The reconciliation running now, or else the last to finish; 404 before the first. */
  async latest(ctx: RequestContext): Promise<ReconciliationRun> {
    const [row] = await this.connection.query<RunRow>(
      ctx,
      `SELECT * FROM points_reconciliations ORDER BY finished_at DESC NULLS FIRST LIMIT 1`,
    );
    if (!row) throw AppException.notFound('Points reconciliation');
    return this.toRun(ctx, row);
  }

  /** The accounts' problems, by a statement that may take `timeoutMs` when it is given. */
  private async mismatches(
    ctx: RequestContext,
    sql: string,
    params: unknown[],
    timeoutMs?: number,
  ): Promise<ReconciliationMismatch[]> {
    type Problem = { member_id: string; problem: string };
    const problems =
      timeoutMs === undefined
        ? await this.connection.query<Problem>(ctx, sql, params)
        : await this.connection.longQuery<Problem>(ctx, sql, params, timeoutMs);
    const byMember = new Map<string, string[]>();
    for (const { member_id, problem } of problems) {
      byMember.set(member_id, [...(byMember.get(member_id) ?? []), problem]);
    }
    return [...byMember].map(([memberId, list]) => ({ memberId, problems: list }));
  }

  private async toRun(ctx: RequestContext, row: RunRow): Promise<ReconciliationRun> {
    return {
      id: row.id,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
      accountsChecked: row.accounts_checked,
      accounts: await this.accounts(ctx),
      mismatchedAccounts: row.mismatched_accounts,
      mismatches: row.mismatches,
    };
  }

  private async accounts(ctx: RequestContext): Promise<number> {
    const [{ accounts }] = await this.connection.query<{ accounts: number }>(
      ctx,
      `SELECT count(*)::int AS accounts FROM point_accounts`,
    );
    return accounts;
  }
}
