import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { ReconciliationReport } from './dto/points-admin.dto';

/**
 * Checks the ledger's invariants over every account, in set-based queries:
 * - every lot's remainder is the sum of the journal allocations that touched it;
 * - every journal entry's amount is the sum of its allocations;
 * - a member's journal total equals the remainders of their lots, so that
 *   available = the remainders of their available, unexpired lots;
 * - cancelled and expired lots hold nothing, pending lots were never spent from.
 */
@Injectable()
export class PointsReconciliationService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async run(ctx: RequestContext): Promise<ReconciliationReport> {
    const checkedAt = this.clock.now();
    const problems = await this.connection.query<{ member_id: string; problem: string }>(
      ctx,
      `WITH lot_sums AS (
         SELECT l.id, l.member_id, l.remaining, l.state, COALESCE(SUM(a.amount), 0) AS allocated
         FROM point_lots l LEFT JOIN point_allocations a ON a.lot_id = l.id
         GROUP BY l.id)
       SELECT member_id, 'lot ' || id || ' holds ' || remaining || ' but its allocations sum to ' || allocated AS problem
         FROM lot_sums WHERE remaining <> allocated
       UNION ALL
       SELECT member_id, 'lot ' || id || ' is ' || state || ' but holds ' || remaining
         FROM lot_sums WHERE state IN ('cancelled', 'expired') AND remaining <> 0
       UNION ALL
       SELECT e.member_id, 'entry ' || e.id || ' of ' || e.amount || ' has allocations summing to ' || COALESCE(SUM(a.amount), 0)
         FROM point_entries e LEFT JOIN point_allocations a ON a.entry_id = e.id
         GROUP BY e.id HAVING e.amount <> COALESCE(SUM(a.amount), 0)
       UNION ALL
       SELECT l.member_id, 'pending lot ' || l.id || ' was spent from'
         FROM point_lots l JOIN point_allocations a ON a.lot_id = l.id JOIN point_entries e ON e.id = a.entry_id
         WHERE l.state = 'pending' AND e.type IN ('spend', 'expire', 'return')
       UNION ALL
       SELECT acc.member_id, 'journal total ' || COALESCE(j.total, 0) || ' differs from lot remainders ' || COALESCE(l.total, 0)
         FROM point_accounts acc
         LEFT JOIN (SELECT member_id, SUM(amount) AS total FROM point_entries GROUP BY member_id) j USING (member_id)
         LEFT JOIN (SELECT member_id, SUM(remaining) AS total FROM point_lots GROUP BY member_id) l USING (member_id)
         WHERE COALESCE(j.total, 0) <> COALESCE(l.total, 0)
       ORDER BY 1, 2`,
    );
    const [{ accounts }] = await this.connection.query<{ accounts: number }>(
      ctx,
      `SELECT count(*)::int AS accounts FROM point_accounts`,
    );
    const byMember = new Map<string, string[]>();
    for (const { member_id, problem } of problems) {
      byMember.set(member_id, [...(byMember.get(member_id) ?? []), problem]);
    }
    return {
      accounts,
      mismatches: [...byMember].map(([memberId, list]) => ({ memberId, problems: list })),
      checkedAt: checkedAt.toISOString(),
    };
  }
}
