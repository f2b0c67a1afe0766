import { Injectable } from '@nestjs/common';
import {
  addBusinessDays,
  BgNbdParams,
  expectedAverageSpend,
  spendModel,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  GammaGammaParams,
  LIFECYCLE_RULES,
  LIFECYCLE_STAGES,
  LifecycleStage,
  lifecycleStage,
  probabilityAlive as probabilityAliveOf,
} from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AnalyticsConnection, ReportQuery } from './analytics-connection';
import { ChurnMember, ChurnModel, ChurnReport, LifecycleSummary } from './dto/analytics.dto';
import { latestSummaryDay, round } from './insight-reports.service';
import { PurchaseSummariesService } from './purchase-summaries.service';

const HORIZON_DAYS = 90;

/**
 * Each buyer's repeat-purchase history in days as BG/NBD reads it, from the purchase summaries
 * of $1: x repeat days, t_x from the first purchase day to the last, T from the first to $1;
 * with what the repeat days came to and the gap before the last purchase day.
 */
const HISTORIES = `
  SELECT member_id, days - 1 AS x, last_day - first_day AS t_x, as_of - first_day AS t,
    repeat_fen, last_day - previous_day AS previous_gap
  FROM purchase_summaries WHERE as_of = $1`;

/**
 * The model is fitted on at most this many buyers, drawn evenly by a hash of their id: its four
 * and three parameters describe the population, which a sample this size pins down as well as
 * every buyer would, and the fit's time stays bounded however many buyers there are.
 */
const FIT_SAMPLE = 20_000;
/** Below this many buyers the fit says more about chance than about habits: no model yet. */
export const FEWEST_BUYERS = 30;
const SAMPLED = `${HISTORIES} ORDER BY md5(member_id::text) LIMIT ${FIT_SAMPLE}`;

/** Buyers alike for the model and for their stage, counted together: fewer rows than buyers. */
const alike = (histories: string) => `
  SELECT x, t_x, t, COALESCE(previous_gap >= ${LIFECYCLE_RULES.wonBackAfterGapDays}, false) AS long_gap,
    count(*)::int AS members, sum(repeat_fen)::bigint AS repeat_fen
  FROM (${histories}) h GROUP BY 1, 2, 3, 4`;

/** Sampled repeat buyers by their repeat days and what those came to on average (when anything), for Gamma-Gamma. */
const REPEAT_SPEND = `
  SELECT x, repeat_fen::float8 / x AS mean_fen, count(*)::int AS members
  FROM (${SAMPLED}) h WHERE x > 0 AND repeat_fen > 0 GROUP BY 1, 2`;

interface History {
  x: number;
  t_x: number;
  t: number;
  previous_gap?: number | null;
  long_gap?: boolean;
  repeat_fen: string;
}

interface ModelRow {
  as_of: string;
  fitted_at: Date;
  customers: number;
  bgnbd: BgNbdParams;
  gamma_gamma: GammaGammaParams | null;
}

/**
 * Churn and value (DESIGN section 9): BG/NBD and Gamma-Gamma fitted on every buyer's history,
 * at most once a day (the fit is kept in churn_models), then each buyer's P(alive), expected
 * purchases and spend in the next 90 days, and lifecycle stage.
 */
@Injectable()
export class ChurnService {
  constructor(
    private readonly analytics: AnalyticsConnection,
    private readonly summaries: PurchaseSummariesService,
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  async report(stage: LifecycleStage | undefined, limit: number): Promise<ChurnReport> {
    await this.summaries.ensureToday();
    const asOf = await this.analytics.read(latestSummaryDay);
    const model = asOf ? await this.model(asOf) : null;
    const totals = Object.fromEntries(
      LIFECYCLE_STAGES.map((name) => [name, { members: 0, alive: 0, purchases: 0, spend: 0 }]),
    ) as Record<
      LifecycleStage,
      { members: number; alive: number; purchases: number; spend: number }
    >;
    let members: ChurnMember[] | undefined;
    if (model) {
      await this.analytics.read(async (sql) => {
        for (const group of await sql<History & { members: number }>(alike(HISTORIES), [
          model.as_of,
        ])) {
          const value = {
            ...this.stageOf(model, group),
            ...this.expected(model, group, group.members),
          };
          const total = totals[value.stage];
          total.members += group.members;
          total.alive += value.probabilityAlive * group.members;
          total.purchases += value.purchases;
          total.spend += value.spend;
        }
        if (stage) members = await this.members(sql, model, stage, limit);
      });
    } else if (stage) members = [];
    const stages: LifecycleSummary[] = LIFECYCLE_STAGES.map((name) => {
      const total = totals[name];
      return {
        stage: name,
        members: total.members,
        probabilityAlive: total.members ? round(total.alive / total.members, 4) : 0,
        expectedPurchases90d: round(total.purchases, 2),
        expectedSpend90dFen: Math.round(total.spend),
      };
    });
    return { model: model && toModel(model), stages, ...(members && { members }) };
  }

  /** Builds today's purchase summaries and fits today's model, if not yet; answers the buyers. */
  async refresh(): Promise<number> {
    const { asOf, buyers } = await this.summaries.ensureToday();
    await this.model(asOf);
    return buyers;
  }

  /** The fit on the summaries of `asOf`, fitting it now (once, whoever asks at the same time) if there is none yet. */
  private async model(asOf: string): Promise<ModelRow | null> {
    const ctx = RequestContext.forSystem('churn-model');
    const stored = () =>
      this.connection
        .query<ModelRow>(ctx, `SELECT * FROM churn_models WHERE as_of = $1`, [asOf])
        .then(([row]) => row ?? null);
    const ready = await stored();
    if (ready) return ready;
    return this.connection.withTransaction(ctx, async () => {
      await this.connection.lockForTransaction(ctx, 'churn-model');
      const fittedMeanwhile = await stored();
      if (fittedMeanwhile) return fittedMeanwhile;
      const fit = await this.analytics.read(async (sql) => {
        const sample = await sql<History & { members: number }>(alike(SAMPLED), [asOf]);
        const buyers = sample.reduce((sum, group) => sum + group.members, 0);
        if (buyers < FEWEST_BUYERS) return null;
        const repeatSpend = await sql<{ x: number; mean_fen: number; members: number }>(
          REPEAT_SPEND,
          [asOf],
        );
        return {
          customers: buyers,
          bgnbd: fitBgNbd(repeated(sample, (g) => ({ frequency: g.x, recency: g.t_x, age: g.t })))
            .params,
          // No spend model, rather than one that expects some buyers to spend without bound.
          gammaGamma:
            repeatSpend.length > 0
              ? spendModel(
                  fitGammaGamma(
                    repeated(repeatSpend, (g) => ({
                      frequency: g.x,
                      monetary: Number(g.mean_fen),
                    })),
                  ),
                )
              : null,
        };
      });
      if (!fit) return null;
      const [row] = await this.connection.query<ModelRow>(
        ctx,
        `INSERT INTO churn_models (as_of, fitted_at, customers, bgnbd, gamma_gamma)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [
          asOf,
          this.clock.now(),
          fit.customers,
          JSON.stringify(fit.bgnbd),
          fit.gammaGamma && JSON.stringify(fit.gammaGamma),
        ],
      );
      return row;
    });
  }

  /** A buyer's stage, and P(alive) it rests on. */
  private stageOf(model: ModelRow, history: History) {
    const { x, t_x: tx, t: T } = history;
    const probabilityAlive = probabilityAliveOf(model.bgnbd, x, tx, T);
    const longGap =
      history.long_gap ??
      (history.previous_gap != null && history.previous_gap >= LIFECYCLE_RULES.wonBackAfterGapDays);
    const stage = lifecycleStage({
      firstPurchaseDaysAgo: T,
      lastPurchaseDaysAgo: T - tx,
      // Only whether the gap was long matters to the stage.
      previousGapDays: longGap ? LIFECYCLE_RULES.wonBackAfterGapDays : x > 0 ? 0 : null,
      probabilityAlive,
    });
    return { stage, probabilityAlive };
  }

  /** What `count` buyers alike are expected to buy, and spend, in the next 90 days together. */
  private expected(model: ModelRow, history: History, count: number) {
    const { x, t_x: tx, t: T } = history;
    const purchases = expectedPurchases(model.bgnbd, HORIZON_DAYS, x, tx, T);
    const meanFen = x > 0 ? Number(history.repeat_fen) / (x * count) : 0;
    const perPurchase = model.gamma_gamma ? expectedAverageSpend(model.gamma_gamma, x, meanFen) : 0;
    return {
      purchases: purchases * count,
      perPurchase,
      spend: purchases * perPurchase * count,
    };
  }

  /** A stage's buyers, those expected to spend most in the next 90 days first. */
  private async members(
    sql: ReportQuery,
    model: ModelRow,
    stage: LifecycleStage,
    limit: number,
  ): Promise<ChurnMember[]> {
    const rows = await sql<History & { member_id: string; nickname: string }>(
      `SELECT h.*, m.nickname FROM (${HISTORIES}) h JOIN members m ON m.id = h.member_id`,
      [model.as_of],
    );
    // P(alive) is cheap and the expected purchases are not: the stage first, then those in it.
    return rows
      .map((row) => ({ row, ...this.stageOf(model, row) }))
      .filter((member) => member.stage === stage)
      .map((member) => ({ ...member, ...this.expected(model, member.row, 1) }))
      .sort((a, b) => b.spend - a.spend || a.row.member_id.localeCompare(b.row.member_id))
      .slice(0, limit)
      .map(({ row, probabilityAlive, purchases, perPurchase }) => ({
        memberId: row.member_id,
        nickname: row.nickname,
        stage,
        probabilityAlive: round(probabilityAlive, 4),
        expectedPurchases90d: round(purchases, 3),
        expectedPurchaseFen: Math.round(perPurchase),
        lastPurchaseDay: addBusinessDays(model.as_of, -(row.t - row.t_x)),
      }));
  }
}

/** Each group's customer as many times as it has members: the fits group them again. */
function* repeated<G extends { members: number }, T>(groups: G[], customer: (group: G) => T) {
  for (const group of groups) {
    const one = customer(group);
    for (let i = 0; i < group.members; i++) yield one;
  }
}

function toModel(row: ModelRow): ChurnModel {
  return {
    fittedAt: row.fitted_at.toISOString(),
    asOf: row.as_of,
    unit: 'day',
    customers: row.customers,
    bgnbd: row.bgnbd,
    gammaGamma: row.gamma_gamma,
  };
}
