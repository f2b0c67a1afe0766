import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addBusinessDays, businessDay, startOfBusinessDay } from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import {
  TRANSACTION_LOCK,
  TransactionalConnection,
} from '../../common/transaction/transactional-connection';
import { untimedDataSource } from '../../database/untimed-data-source';
import { PURCHASE_DAYS } from '../group-buy/purchases.sql';

/** How long building a day's summaries may take: it reads every order once. */
const BUILD_TIMEOUT = '10min';
/** Held while a day's summaries are built, by whoever builds them. */
const BUILD_LOCK = 'purchase-summaries';

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
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Today's summaries, built now (once, whoever asks at the same time) if not yet, in a
   * transaction of their own on a connection of their own: committed before the reports that
   * asked read them elsewhere, and given the time reading every order takes, which is longer
   * than a request's statements may take.
   */
  async ensureToday(): Promise<{ asOf: string; buyers: number }> {
    const ctx = RequestContext.forSystem('purchase-summaries');
    const asOf = businessDay(this.clock.now());
    const ready = await builtRun(asOf, (sql, parameters) =>
      this.connection.query(ctx, sql, parameters),
    );
    if (ready) return { asOf, buyers: ready.buyers };
    const building = untimedDataSource(this.dataSource, 1);
    await building.initialize();
    const runner = building.createQueryRunner();
    try {
      await runner.startTransaction();
      const query: SummaryQuery = (sql, parameters) => runner.query(sql, parameters);
      await query(`SET LOCAL statement_timeout = '${BUILD_TIMEOUT}'`);
      await query(TRANSACTION_LOCK, [BUILD_LOCK]);
      const builtMeanwhile = await builtRun(asOf, query);
      const buyers = builtMeanwhile?.buyers ?? (await this.build(asOf, query));
      await runner.commitTransaction();
      return { asOf, buyers };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
      await building.destroy();
    }
  }

  /** Writes `asOf`'s summaries of every buyer and the run that records them: how many. */
  private async build(asOf: string, query: SummaryQuery): Promise<number> {
    await query(`SET LOCAL work_mem = '128MB'`);
    await query(
      `INSERT INTO purchase_summary_runs (as_of, built_at, buyers) VALUES ($1, $2, 0)
       ON CONFLICT (as_of) DO UPDATE SET built_at = excluded.built_at`,
      [asOf, this.clock.now()],
    );
    const [{ buyers }] = await query<{ buyers: number }>(
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
    await query(`UPDATE purchase_summary_runs SET buyers = $2 WHERE as_of = $1`, [asOf, buyers]);
    // Earlier days' summaries are no longer read.
    await query(`DELETE FROM purchase_summary_runs WHERE as_of < $1`, [asOf]);
    return buyers;
  }
}

type SummaryQuery = <T = Record<string, unknown>>(
  sql: string,
  parameters?: unknown[],
) => Promise<T[]>;

/** `asOf`'s run, when it found buyers: summaries of nobody are cheap to build again, and a new
 * platform's first buyers should not wait a day to show. */
async function builtRun(
  asOf: string,
  query: SummaryQuery,
): Promise<{ buyers: number } | undefined> {
  const [run] = await query<{ buyers: number }>(
    `SELECT buyers FROM purchase_summary_runs WHERE as_of = $1 AND buyers > 0`,
    [asOf],
  );
  return run;
}
