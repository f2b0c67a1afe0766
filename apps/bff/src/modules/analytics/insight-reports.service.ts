import { HttpStatus, Injectable } from '@nestjs/common';
import {
  addBusinessDays,
  addMonths,
  businessDay,
  calendarDayNumber,
  RFM_SEGMENTS,
  rfmSegment,
  RfmSegment,
  scoresOfSegment,
  startOfBusinessDay,
} from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { AnalyticsConnection, ReportQuery } from './analytics-connection';
import { PurchaseSummariesService } from './purchase-summaries.service';
import { purchased } from '../group-buy/purchases.sql';
import {
  AnalyticsOverview,
  Cohort,
  CohortReport,
  LeadersReport,
  Period,
  PeriodQuery,
  PointsFlow,
  PointsLiabilityReport,
  RfmMember,
  RfmReport,
  RfmSegmentSummary,
} from './dto/analytics.dto';

const SHANGHAI_DAY = (column: string) => `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;
/** The Shanghai month an instant falls in, to group by: to_char it (YYYY-MM) once grouped, not per row. */
const SHANGHAI_MONTH = (column: string) =>
  `date_trunc('month', ${column} AT TIME ZONE 'Asia/Shanghai')`;
/** A year and a day: long enough for any year-on-year look, short enough to stay quick. */
const LONGEST_PERIOD_DAYS = 366;

/**
 * The points journal from $1 (to $2, when `bounded`), each entry dated when it took effect: an
 * expiry when its lot expired, at the end of a month, not when the job that wrote it ran (just
 * after midnight, the next month; or later, after a pause, as long as a month on). Expiries
 * are read apart, by their own index, so that the scan of the rest stays a plain one.
 */
const datedEntries = (bounded: boolean) => {
  const effective = 'COALESCE(l.expires_at, e.created_at)';
  return `(
  SELECT type, amount, created_at AS at FROM point_entries
  WHERE type <> 'expire' AND created_at >= $1${bounded ? ' AND created_at < $2' : ''}
  UNION ALL
  SELECT e.type, e.amount, ${effective} AS at
  FROM point_entries e
    LEFT JOIN point_allocations a ON a.entry_id = e.id
    LEFT JOIN point_lots l ON l.id = a.lot_id
  WHERE e.type = 'expire' AND e.created_at >= $1${bounded ? ` AND e.created_at < $2::timestamptz + interval '1 month'` : ''}
    AND ${effective} >= $1${bounded ? ` AND ${effective} < $2` : ''})`;
};

const POINTS_FLOW = `
  COALESCE(sum(amount) FILTER (WHERE type = 'earn' OR (type = 'adjust' AND amount > 0)), 0)::bigint AS issued,
  COALESCE(-sum(amount) FILTER (WHERE type = 'clawback' OR (type = 'adjust' AND amount < 0)), 0)::bigint AS clawed_back,
  COALESCE(-sum(amount) FILTER (WHERE type IN ('spend', 'return')), 0)::bigint AS redeemed,
  COALESCE(-sum(amount) FILTER (WHERE type = 'expire'), 0)::bigint AS expired`;

interface FlowRow {
  issued: string;
  clawed_back: string;
  redeemed: string;
  expired: string;
}
const toFlow = (row: FlowRow): PointsFlow => ({
  issued: Number(row.issued),
  clawedBack: Number(row.clawed_back),
  redeemed: Number(row.redeemed),
  expired: Number(row.expired),
});

export const share = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : 0);
export const round = (value: number, digits: number) =>
  Math.round(value * 10 ** digits) / 10 ** digits;

/** The months from `first` to `last` (YYYY-MM), both included. */
function monthsFrom(first: string, last: string): string[] {
  const months = [first];
  while (months[months.length - 1] < last) months.push(addMonths(months[months.length - 1], 1));
  return months;
}

/**
 * The insight reports of DESIGN section 9 but churn: set-based statements on the analytics
 * connection, each report one read-only snapshot.
 */
@Injectable()
export class InsightReportsService {
  constructor(
    private readonly analytics: AnalyticsConnection,
    private readonly summaries: PurchaseSummariesService,
    private readonly clock: Clock,
  ) {}

  overview(query: PeriodQuery): Promise<AnalyticsOverview> {
    const period = this.period(query);
    const [start, end] = bounds(period);
    return this.analytics.read(async (sql) => {
      const [sales] = await sql<{
        members: number;
        new_members: number;
        active_members: number;
        repeat_buyers: number;
        gmv_fen: string;
        orders: number;
      }>(
        `WITH purchases AS (
           SELECT member_id, ${SHANGHAI_DAY('paid_at')} AS day, payable_fen - refunded_fen AS fen
           FROM orders WHERE ${purchased()} AND paid_at >= $1 AND paid_at < $2),
         buyers AS (SELECT member_id, count(DISTINCT day) AS days FROM purchases GROUP BY member_id)
         SELECT (SELECT count(*) FROM members WHERE created_at < $2)::int AS members,
           (SELECT count(*) FROM members WHERE created_at >= $1 AND created_at < $2)::int AS new_members,
           (SELECT count(*) FROM buyers)::int AS active_members,
           (SELECT count(*) FROM buyers WHERE days >= 2)::int AS repeat_buyers,
           (SELECT COALESCE(sum(fen), 0) FROM purchases)::bigint AS gmv_fen,
           (SELECT count(*) FROM purchases)::int AS orders`,
        [start, end],
      );
      const [flow] = await sql<FlowRow>(`SELECT ${POINTS_FLOW} FROM ${datedEntries(true)} dated`, [
        start,
        end,
      ]);
      const outstanding = await this.outstandingPoints(sql);
      const tiers = await sql<{ tier: string; members: number }>(
        `SELECT tier, count(*)::int AS members FROM members
         GROUP BY tier ORDER BY members DESC, tier`,
      );
      const movements = await sql<{ from_tier: string; to_tier: string; members: number }>(
        `SELECT from_tier, to_tier, count(DISTINCT member_id)::int AS members FROM tier_changes
         WHERE created_at >= $1 AND created_at < $2
         GROUP BY 1, 2 ORDER BY members DESC, from_tier, to_tier`,
        [start, end],
      );
      return {
        period,
        members: sales.members,
        newMembers: sales.new_members,
        activeMembers: sales.active_members,
        gmvFen: Number(sales.gmv_fen),
        orders: sales.orders,
        repurchaseRate: share(sales.repeat_buyers, sales.active_members),
        points: toFlow(flow),
        outstandingPoints: outstanding.available + outstanding.pending,
        liabilityFen: outstanding.liabilityFen,
        tiers,
        tierMovements: movements.map((m) => ({
          from: m.from_tier,
          to: m.to_tier,
          members: m.members,
        })),
      };
    });
  }

  async rfm(segment: RfmSegment | undefined, limit: number): Promise<RfmReport> {
    await this.summaries.ensureToday();
    // Quintiles by percent_rank, so that members tied on a value share a score: the lower one
    // for frequency and spend (every one-day buyer has the lowest frequency score), the higher
    // one for recency, ranked from the freshest (everyone who bought yesterday is as recent as
    // can be, however many they are).
    const scored = `
      WITH rfm AS (
        SELECT member_id, as_of - last_day AS recency_days, days AS frequency, total_fen AS monetary
        FROM purchase_summaries WHERE as_of = $1)
      SELECT *, (5 - LEAST(4, floor(5 * percent_rank() OVER (ORDER BY recency_days))))::int AS r,
        LEAST(5, 1 + floor(5 * percent_rank() OVER (ORDER BY frequency)))::int AS f,
        LEAST(5, 1 + floor(5 * percent_rank() OVER (ORDER BY monetary)))::int AS m
      FROM rfm`;
    return this.analytics.read(async (sql) => {
      const asOf = (await latestSummaryDay(sql)) ?? businessDay(this.clock.now());
      const cells = await sql<{
        r: number;
        f: number;
        m: number;
        members: number;
        recency_days: string;
        frequency: string;
        monetary: string;
      }>(
        `SELECT r, f, m, count(*)::int AS members, sum(recency_days)::bigint AS recency_days,
           sum(frequency)::bigint AS frequency, sum(monetary)::bigint AS monetary
         FROM (${scored}) s GROUP BY r, f, m`,
        [asOf],
      );
      const totals = Object.fromEntries(
        RFM_SEGMENTS.map((name) => [name, { members: 0, r: 0, f: 0, m: 0 }]),
      ) as Record<RfmSegment, { members: number; r: number; f: number; m: number }>;
      for (const cell of cells) {
        const total = totals[rfmSegment({ recency: cell.r, frequency: cell.f, monetary: cell.m })];
        total.members += cell.members;
        total.r += Number(cell.recency_days);
        total.f += Number(cell.frequency);
        total.m += Number(cell.monetary);
      }
      const buyers = cells.reduce((sum, cell) => sum + cell.members, 0);
      const segments: RfmSegmentSummary[] = RFM_SEGMENTS.map((name) => {
        const { members, r, f, m } = totals[name];
        return {
          segment: name,
          members,
          share: share(members, buyers),
          recencyDays: members ? round(r / members, 1) : 0,
          frequency: members ? round(f / members, 2) : 0,
          monetaryFen: members ? Math.round(m / members) : 0,
        };
      });
      const report: RfmReport = { asOf, buyers, segments };
      if (segment) report.members = await this.rfmMembers(sql, scored, [asOf], segment, limit);
      return report;
    });
  }

  cohorts(months: number): Promise<CohortReport> {
    const thisMonth = businessDay(this.clock.now()).slice(0, 7);
    const firstMonth = addMonths(thisMonth, 1 - months);
    const start = startOfBusinessDay(`${firstMonth}-01`);
    return this.analytics.read(async (sql) => {
      const rows = await sql<{ cohort: string; month: string | null; members: number }>(
        `WITH cohort AS (
           SELECT id, ${SHANGHAI_MONTH('created_at')} AS cohort FROM members WHERE created_at >= $1)
         SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month, members
         FROM (
           SELECT cohort, NULL::timestamp AS month, count(*)::int AS members FROM cohort GROUP BY cohort
           UNION ALL
           SELECT c.cohort, ${SHANGHAI_MONTH('o.paid_at')}, count(DISTINCT o.member_id)::int
           FROM cohort c JOIN orders o ON o.member_id = c.id
           WHERE ${purchased('o')} AND o.paid_at >= $1
           GROUP BY 1, 2) g`,
        [start],
      );
      const calendar = monthsFrom(firstMonth, thisMonth);
      const cohorts: Cohort[] = calendar.map((month, index) => {
        const members =
          rows.find((row) => row.cohort === month && row.month === null)?.members ?? 0;
        return {
          month,
          members,
          retention: calendar.slice(index).map((active, offset) => {
            const buyers =
              rows.find((row) => row.cohort === month && row.month === active)?.members ?? 0;
            return { offset, buyers, rate: share(buyers, members) };
          }),
        };
      });
      return { cohorts };
    });
  }

  leaders(query: PeriodQuery): Promise<LeadersReport> {
    const period = this.period(query);
    const [start, end] = bounds(period);
    return this.analytics.read(async (sql) => {
      const rows = await sql<{
        id: string;
        name: string;
        nickname: string | null;
        gmv_fen: string;
        orders: number;
        ready: number;
        picked_up: number;
        median_s: number | null;
        average_s: number | null;
      }>(
        `WITH sold AS (
           SELECT pickup_point_id, count(*)::int AS orders, sum(payable_fen - refunded_fen)::bigint AS gmv_fen
           FROM orders WHERE ${purchased()} AND paid_at >= $1 AND paid_at < $2 GROUP BY 1),
         handed AS (
           SELECT pickup_point_id, count(*)::int AS ready, count(picked_up_at)::int AS picked_up,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM picked_up_at - ready_at))
               FILTER (WHERE picked_up_at IS NOT NULL) AS median_s,
             avg(extract(epoch FROM picked_up_at - ready_at)) AS average_s
           FROM orders WHERE ready_at >= $1 AND ready_at < $2 GROUP BY 1)
         SELECT p.id, p.name, leader.nickname, COALESCE(s.gmv_fen, 0) AS gmv_fen,
           COALESCE(s.orders, 0) AS orders, COALESCE(h.ready, 0) AS ready,
           COALESCE(h.picked_up, 0) AS picked_up, h.median_s, h.average_s
         FROM pickup_points p
           LEFT JOIN members leader ON leader.id = p.leader_member_id
           LEFT JOIN sold s ON s.pickup_point_id = p.id
           LEFT JOIN handed h ON h.pickup_point_id = p.id
         WHERE p.leader_member_id IS NOT NULL OR s.orders IS NOT NULL OR h.ready IS NOT NULL
         ORDER BY COALESCE(s.gmv_fen, 0) DESC, p.name, p.id`,
        [start, end],
      );
      const hours = (seconds: number | null) =>
        seconds === null ? null : round(Number(seconds) / 3600, 2);
      return {
        period,
        pickupPoints: rows.map((row) => ({
          pickupPointId: row.id,
          pickupPointName: row.name,
          leaderNickname: row.nickname,
          gmvFen: Number(row.gmv_fen),
          orders: row.orders,
          readyOrders: row.ready,
          pickedUpOrders: row.picked_up,
          pickupRate: row.ready > 0 ? share(row.picked_up, row.ready) : null,
          medianPickupDelayHours: hours(row.median_s),
          averagePickupDelayHours: hours(row.average_s),
        })),
      };
    });
  }

  pointsLiability(): Promise<PointsLiabilityReport> {
    const now = this.clock.now();
    const thisMonth = businessDay(now).slice(0, 7);
    const firstMonth = addMonths(thisMonth, -11);
    return this.analytics.read(async (sql) => {
      const outstanding = await this.outstandingPoints(sql);
      const expiring = await sql<{ month: string; points: string }>(
        `SELECT to_char(month, 'YYYY-MM') AS month, points FROM (
           SELECT ${SHANGHAI_MONTH('expires_at')} AS month, sum(remaining)::bigint AS points
           FROM point_lots WHERE state = 'available' AND remaining > 0 AND expires_at > $1
           GROUP BY 1) g
         ORDER BY 1`,
        [now],
      );
      const flows = await sql<FlowRow & { month: string }>(
        `SELECT to_char(month, 'YYYY-MM') AS month, issued, clawed_back, redeemed, expired FROM (
           SELECT ${SHANGHAI_MONTH('at')} AS month, ${POINTS_FLOW}
           FROM ${datedEntries(false)} dated GROUP BY 1) g`,
        [startOfBusinessDay(`${firstMonth}-01`)],
      );
      const zero = { issued: '0', clawed_back: '0', redeemed: '0', expired: '0' };
      return {
        asOf: now.toISOString(),
        fenPerPoint: outstanding.fenPerPoint,
        available: outstanding.available,
        pending: outstanding.pending,
        liabilityFen: outstanding.liabilityFen,
        byExpiryMonth: expiring.map((row) => ({
          month: row.month,
          points: Number(row.points),
          liabilityFen: Math.round(Number(row.points) * outstanding.fenPerPoint),
        })),
        months: monthsFrom(firstMonth, thisMonth).map((month) => ({
          month,
          ...toFlow(flows.find((row) => row.month === month) ?? zero),
        })),
      };
    });
  }

  private async outstandingPoints(sql: ReportQuery) {
    const [row] = await sql<{ available: string; pending: string; redeem_points_per_yuan: number }>(
      `SELECT
         COALESCE(sum(remaining) FILTER (WHERE state = 'available' AND expires_at > $1), 0)::bigint AS available,
         COALESCE(sum(remaining) FILTER (WHERE state = 'pending'), 0)::bigint AS pending,
         (SELECT redeem_points_per_yuan FROM points_policy LIMIT 1) AS redeem_points_per_yuan
       FROM point_lots WHERE state IN ('available', 'pending') AND remaining > 0`,
      [this.clock.now()],
    );
    const fenPerPoint = 100 / row.redeem_points_per_yuan;
    const available = Number(row.available);
    const pending = Number(row.pending);
    return {
      fenPerPoint,
      available,
      pending,
      liabilityFen: Math.round((available + pending) * fenPerPoint),
    };
  }

  private async rfmMembers(
    sql: ReportQuery,
    scored: string,
    parameters: unknown[],
    segment: RfmSegment,
    limit: number,
  ): Promise<RfmMember[]> {
    const triples = scoresOfSegment(segment);
    const rows = await sql<{
      member_id: string;
      nickname: string;
      recency_days: number;
      frequency: number;
      monetary: string;
      r: number;
      f: number;
      m: number;
    }>(
      `SELECT s.*, members.nickname FROM (${scored}) s JOIN members ON members.id = s.member_id
       WHERE (s.r, s.f, s.m) IN (SELECT * FROM unnest($2::int[], $3::int[], $4::int[]))
       ORDER BY s.monetary DESC, s.member_id LIMIT $5`,
      [
        ...parameters,
        triples.map((t) => t.recency),
        triples.map((t) => t.frequency),
        triples.map((t) => t.monetary),
        limit,
      ],
    );
    return rows.map((row) => ({
      memberId: row.member_id,
      nickname: row.nickname,
      recencyDays: row.recency_days,
      frequency: row.frequency,
      monetaryFen: Number(row.monetary),
      recencyScore: row.r,
      frequencyScore: row.f,
      monetaryScore: row.m,
    }));
  }

  /** The period asked for: both days included, at most LONGEST_PERIOD_DAYS long. */
  private period(query: PeriodQuery): Period {
    const to = query.to ?? businessDay(this.clock.now());
    const from = query.from ?? addBusinessDays(to, -29);
    const fields: Record<string, string[]> = {};
    if (from > to) fields.from = ['from must not be after to'];
    else if (calendarDayNumber(to) - calendarDayNumber(from) >= LONGEST_PERIOD_DAYS)
      fields.from = [`a period is at most ${LONGEST_PERIOD_DAYS} days`];
    if (Object.keys(fields).length > 0)
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'The request is not valid',
        {
          fields,
        },
      );
    return { from, to };
  }
}

/**
 * The day of the latest purchase summaries the analytics connection sees: today's once built,
 * unless a replica has not caught up yet.
 */
export async function latestSummaryDay(sql: ReportQuery): Promise<string | null> {
  const [{ as_of }] = await sql<{ as_of: string | null }>(
    `SELECT max(as_of) AS as_of FROM purchase_summary_runs`,
  );
  return as_of;
}

/** The instants a period starts and ends at (the end excluded). */
function bounds(period: Period): [Date, Date] {
  return [startOfBusinessDay(period.from), startOfBusinessDay(addBusinessDays(period.to, 1))];
}
