import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BUSINESS_TIME_ZONE, DEFAULT_TIERS, TierRule, tierRuleProblems } from '@linli/domain';
import { MEMBER_TIERS, MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeRankCursor, PageQuery, pageOf } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import {
  TierRuleDto,
  TierRulesVersion,
  TierRulesVersionPage,
  TierSimulation,
} from './dto/tier-rules.dto';
import { tierRulesInvalid, tierRulesOutdated, tierRulesPublished } from './tiers.exception';

interface VersionRow {
  version: number;
  status: 'draft' | 'published';
  tiers: TierRuleDto[];
  based_on: number | null;
  created_at: Date;
  published_at: Date | null;
}

const toVersion = (row: VersionRow): TierRulesVersion => ({
  version: row.version,
  status: row.status,
  tiers: row.tiers,
  createdAt: row.created_at.toISOString(),
  publishedAt: row.published_at?.toISOString() ?? null,
});

/**
 * SQL for the instant 12 months before `instant` (SQL), on Shanghai's calendar whatever the
 * session's time zone: in UTC, 05:00 on 29 February in Shanghai is still the 28th, and its
 * 12 months would start a day late.
 */
export const yearBefore = (instant: string) =>
  `((${instant} AT TIME ZONE '${BUSINESS_TIME_ZONE}') - interval '12 months') AT TIME ZONE '${BUSINESS_TIME_ZONE}'`;

/**
 * Each member's growth over the rolling 12 months before `$1`: the figure tiers are reached by,
 * for the simulation and for the upgrades that publishing brings.
 */
export const ROLLING_GROWTH = `SELECT member_id, SUM(amount) AS growth FROM growth_events
  WHERE occurred_at > ${yearBefore('$1::timestamptz')} GROUP BY member_id`;

/** The rules in force: the latest published version. */
export const CURRENT_TIER_RULES = `SELECT version, tiers FROM tier_rule_versions
  WHERE status = 'published' ORDER BY version DESC LIMIT 1`;

// Versions are numbered one after another, and published in that order: creating or
// publishing one takes this lock for its transaction.
const VERSION_LOCK = 'linli:tier-rule-versions';

/** Tier rules as versions: drafts are edited, then published; published versions never change. */
@Injectable()
export class TierRulesService implements OnApplicationBootstrap {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The default tiers are version 1 of every installation. */
  async onApplicationBootstrap(): Promise<void> {
    await this.connection.query(
      RequestContext.forSystem('tier-rules'),
      `INSERT INTO tier_rule_versions (version, status, tiers, created_by, published_by, published_at)
       VALUES (1, 'published', $1, 'system', 'system', now()) ON CONFLICT (version) DO NOTHING`,
      [JSON.stringify(DEFAULT_TIERS)],
    );
  }

  /** The rules in force: the latest published version. */
  async current(ctx: RequestContext): Promise<{ version: number; tiers: TierRule[] }> {
    const [row] = await this.connection.query<VersionRow>(ctx, CURRENT_TIER_RULES);
    return { version: row.version, tiers: row.tiers };
  }

  /**
   * The rules in force, to judge a member by in this transaction: a publication waits for the
   * transaction to end (the version lock is held shared until then), so that no upgrade judged
   * by the rules before it commits after the upgrade job has looked for the members the new
   * rules raise, and is missed by both.
   */
  async judgingBy(ctx: RequestContext): Promise<{ version: number; tiers: TierRule[] }> {
    await this.connection.lockForTransaction(ctx, VERSION_LOCK, 'shared');
    return this.current(ctx);
  }

  /** The versions, latest first, a page at a time. */
  async list(ctx: RequestContext, page: PageQuery): Promise<TierRulesVersionPage> {
    const after = decodeRankCursor(page.cursor);
    const rows = await this.connection.query<VersionRow>(
      ctx,
      `SELECT * FROM tier_rule_versions WHERE $1::int IS NULL OR version < $1
       ORDER BY version DESC LIMIT $2`,
      [after?.rank ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = pageOf(rows, page.limit, (row) => ({ rank: row.version }));
    return { items: shown.map(toVersion), nextCursor };
  }

  async get(ctx: RequestContext, version: number): Promise<TierRulesVersion> {
    const [row] = await this.connection.query<VersionRow>(
      ctx,
      `SELECT * FROM tier_rule_versions WHERE version = $1`,
      [version],
    );
    if (!row) throw AppException.notFound('Tier rules version', { version });
    return toVersion(row);
  }

  /**
   * A new draft: the given tiers, or a copy of the rules in force; either way it remembers the
   * version in force, which it is meant to follow.
   */
  async createDraft(ctx: RequestContext, tiers?: TierRuleDto[]): Promise<TierRulesVersion> {
    await this.connection.lockForTransaction(ctx, VERSION_LOCK);
    const [row] = await this.connection.query<VersionRow>(
      ctx,
      `WITH in_force AS (
         SELECT version, tiers FROM tier_rule_versions WHERE status = 'published'
         ORDER BY version DESC LIMIT 1)
       INSERT INTO tier_rule_versions (version, status, tiers, created_by, based_on)
       SELECT COALESCE(max(version), 0) + 1, 'draft',
              COALESCE($1::jsonb, (SELECT tiers FROM in_force)), $2, (SELECT version FROM in_force)
       FROM tier_rule_versions RETURNING *`,
      [tiers ? JSON.stringify(tiers) : null, ctx.actor?.id ?? 'system'],
    );
    await this.audit.record(ctx, 'tier-rules.create', {
      type: 'tier-rules',
      id: String(row.version),
    });
    return toVersion(row);
  }

  async updateDraft(
    ctx: RequestContext,
    version: number,
    tiers: TierRuleDto[],
  ): Promise<TierRulesVersion> {
    const existing = await this.get(ctx, version);
    if (existing.status === 'published') throw tierRulesPublished(version);
    const [row] = await this.connection.query<VersionRow>(
      ctx,
      `UPDATE tier_rule_versions SET tiers = $2 WHERE version = $1 AND status = 'draft' RETURNING *`,
      [version, JSON.stringify(tiers)],
    );
    if (!row) throw tierRulesPublished(version);
    await this.audit.record(
      ctx,
      'tier-rules.update',
      { type: 'tier-rules', id: String(version) },
      { tiers },
    );
    return toVersion(row);
  }

  /**
   * Puts a draft in force. A draft made while other rules were in force than those in force now
   * is refused: it follows earlier rules, and publishing it would silently undo the changes of
   * the version published since (drafts from before drafts remembered this: one older than the
   * version in force).
   */
  async publish(ctx: RequestContext, version: number): Promise<TierRulesVersion> {
    await this.connection.lockForTransaction(ctx, VERSION_LOCK);
    // The row too, so that the tiers checked here are the tiers published, not an edit that
    // commits in between.
    const [locked] = await this.connection.query<VersionRow>(
      ctx,
      `SELECT * FROM tier_rule_versions WHERE version = $1 FOR UPDATE`,
      [version],
    );
    if (!locked) throw AppException.notFound('Tier rules version', { version });
    const existing = toVersion(locked);
    if (existing.status === 'published') throw tierRulesPublished(version);
    const problems = rulesetProblems(existing.tiers);
    if (problems.length > 0) throw tierRulesInvalid(problems);
    const inForce = await this.current(ctx);
    const outdated =
      locked.based_on === null ? inForce.version > version : inForce.version !== locked.based_on;
    if (outdated) throw tierRulesOutdated(version, inForce.version);
    const [row] = await this.connection.query<VersionRow>(
      ctx,
      `UPDATE tier_rule_versions SET status = 'published', published_by = $2, published_at = $3
       WHERE version = $1 AND status = 'draft' RETURNING *`,
      [version, ctx.actor?.id ?? 'system', this.clock.now()],
    );
    if (!row) throw tierRulesPublished(version);
    await this.audit.record(ctx, 'tier-rules.publish', { type: 'tier-rules', id: String(version) });
    return toVersion(row);
  }

  /**
   * What publishing a version would do to today's members, without writing anything: each
   * member is raised to the tier their rolling 12-month growth reaches under the version, as
   * the upgrade-tiers job would, and keeps the tier they hold otherwise (a tier is held until
   * its anniversary, and never dropped by more than one then). Counted by (current tier, new
   * tier). One pass over members and growth in SQL.
   */
  async simulate(ctx: RequestContext, version: number): Promise<TierSimulation> {
    const { tiers } = await this.get(ctx, version);
    const problems = rulesetProblems(tiers);
    if (problems.length > 0) throw tierRulesInvalid(problems);
    const now = this.clock.now();
    const rows = await this.connection.query<{
      from_tier: MemberTier;
      to_tier: MemberTier;
      members: number;
    }>(
      ctx,
      // width_bucket counts the thresholds a value reaches: the 1-based tier it earns, as
      // array_position gives the 1-based tier held.
      `WITH growth AS (${ROLLING_GROWTH}),
       evaluated AS (
         SELECT m.tier AS from_tier,
                ($2::text[])[GREATEST(width_bucket(COALESCE(g.growth, 0), $3::int[]),
                                      array_position($2::text[], m.tier))] AS to_tier
         FROM members m LEFT JOIN growth g ON g.member_id = m.id)
       SELECT from_tier, to_tier, count(*)::int AS members FROM evaluated GROUP BY 1, 2 ORDER BY 1, 2`,
      [now, tiers.map((t) => t.code), tiers.map((t) => t.threshold)],
    );
    const movements = rows.map((r) => ({ from: r.from_tier, to: r.to_tier, members: r.members }));
    return {
      version,
      members: movements.reduce((sum, m) => sum + m.members, 0),
      moving: movements.filter((m) => m.from !== m.to).reduce((sum, m) => sum + m.members, 0),
      movements,
      evaluatedAt: now.toISOString(),
    };
  }
}

/**
 * The domain's rule checks, plus what members need here: every tier a member can hold, in the
 * order of the codes, starting at regular.
 */
export function rulesetProblems(tiers: TierRule[]): string[] {
  const problems = tierRuleProblems(tiers);
  const missing = MEMBER_TIERS.filter((code) => !tiers.some((tier) => tier.code === code));
  if (missing.length > 0) problems.push(`every tier must be listed; missing ${missing.join(', ')}`);
  const ranks = tiers.map((t) => MEMBER_TIERS.indexOf(t.code as MemberTier));
  if (tiers[0]?.code !== 'regular') problems.push('the first tier must be regular');
  if (ranks.some((rank, i) => i > 0 && rank <= ranks[i - 1]))
    problems.push('tiers must be listed from regular upwards');
  return problems;
}
