import { Injectable } from '@nestjs/common';
import { addBusinessDays, businessDay, startOfBusinessDay } from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PURCHASE_DAYS } from '../group-buy/purchases.sql';

/** How long building a day's summaries may take: it reads every order once. */
const BUILD_TIMEOUT = '10min';

/**
 * Buyers' purchase days summed up once a day (`purchase_summaries`, one row a buyer): first
 * and last purchase day, the one before the last, purchase days, spend, and the spend of the
 * days after the first. RFM and churn read these instead of every order, so that they stay
 * quick at millions of orders; they are as of the summaries' day, built by the nightly
 * `refresh-insight` job or by the day's first report, whichever comes first.
 */
@Injectable()
export class PurchaseSummariesService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  /**
   * Today's summaries, built now (once, whoever asks at the same time) if not yet, in a
   * transaction of their own: committed before the reports that asked read them elsewhere.
   */
  async ensureToday(): Promise<{ asOf: string; buyers: number }> {
    const ctx = RequestContext.forSystem('purchase-summaries');
    const asOf = businessDay(this.clock.now());
    const built = () =>
      this.connection
        .query<{ buyers: number }>(
          ctx,
          // Summaries of nobody are cheap to build again, and a new platform's first buyers
          // should not wait a day to show.
          `SELECT buyers FROM purchase_summary_runs WHERE as_of = $1 AND buyers > 0`,
          [asOf],
        )
        .then(([run]) => run);
    const ready = await built();
    if (ready) return { asOf, buyers: ready.buyers };
    return this.connection.withTransaction(ctx, async () => {
      await this.connection.lockForTransaction(ctx, 'purchase-summaries');
      const builtMeanwhile = await built();
      if (builtMeanwhile) return { asOf, buyers: builtMeanwhile.buyers };
      await this.connection.query(ctx, `SET LOCAL statement_timeout = '${BUILD_TIMEOUT}'`);
      await this.connection.query(ctx, `SET LOCAL work_mem = '128MB'`);
      await this.connection.query(
        ctx,
        `INSERT INTO purchase_summary_runs (as_of, built_at, buyers) VALUES ($1, $2, 0)
         ON CONFLICT (as_of) DO UPDATE SET built_at = excluded.built_at`,
        [asOf, this.clock.now()],
      );
      const [{ buyers }] = await this.connection.query<{ buyers: number }>(
        ctx,
        `WITH days AS (${PURCHASE_DAYS('$2')}),
         ordered AS (
           SELECT member_id, day, fen, lag(day) OVER (PARTITION BY member_id ORDER BY day) AS previous
           FROM days),
         summed AS (
           INSERT INTO purchase_summaries (as_of, member_id, first_day, last_day, previous_day, days,
             total_fen, repeat_fen)
           SELECT $1, member_id, min(day), max(day), max(previous), count(*), sum(fen),
             COALESCE(sum(fen) FILTER (WHERE previous IS NOT NULL), 0)
           FROM ordered GROUP BY member_id
           RETURNING 1)
         SELECT count(*)::int AS buyers FROM summed`,
        [asOf, startOfBusinessDay(addBusinessDays(asOf, 1))],
      );
      await this.connection.query(
        ctx,
        `UPDATE purchase_summary_runs SET buyers = $2 WHERE as_of = $1`,
        [asOf, buyers],
      );
      // Earlier days' summaries are no longer read.
      await this.connection.query(ctx, `DELETE FROM purchase_summary_runs WHERE as_of < $1`, [
        asOf,
      ]);
      return { asOf, buyers };
    });
  }
}
