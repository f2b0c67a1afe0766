import { HttpStatus, Injectable } from '@nestjs/common';
import { evaluateRetention, evaluateUpgrade, TierRule, tierAnniversary } from '@linli/domain';
import { ErrorCode, MEMBER_TIER_NAMES, type MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsLedger, PointsSource } from '../points/points-ledger.service';
import { MemberCard } from './dto/member-card.dto';
import { MemberCodeService } from './member-code.service';
import { ROLLING_GROWTH, TierRulesService, yearBefore } from './tier-rules.service';

interface TierChangeRow {
  id: string;
  member_id: string;
  to_tier: MemberTier;
  reason: string;
}

/** A member's growth, tier and card. Other modules report growth here; tiers follow from it. */
@Injectable()
export class MemberTiersService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly rules: TierRulesService,
    private readonly ledger: PointsLedger,
    private readonly memberCodes: MemberCodeService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Records growth earned by a source (once per source) and upgrades the member when it reaches a tier. */
  async recordGrowth(
    ctx: RequestContext,
    memberId: string,
    source: PointsSource,
    amount: number,
  ): Promise<void> {
    if (!Number.isSafeInteger(amount) || amount <= 0)
      throw new RangeError(`growth must be a positive integer, got ${amount}`);
    await this.connection.withTransaction(ctx, async () => {
      // The points account before the member's row, as every ledger caller takes them (an
      // upgrade's entry gift goes through the ledger), even when no points came first.
      await this.ledger.holdAccounts(ctx, [memberId]);
      const recorded = await this.connection.query(
        ctx,
        `INSERT INTO growth_events (member_id, amount, kind, source_type, source_id, occurred_at)
         VALUES ($1, $2, 'grant', $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
        [memberId, amount, source.type, source.id, this.clock.now()],
      );
      await this.upgrade(ctx, memberId, recorded.length > 0 ? amount : 0);
    });
  }

  /** Takes back the growth a source granted (a refund), once. The tier is reviewed at its anniversary. */
  async reverseGrowth(ctx: RequestContext, memberId: string, source: PointsSource): Promise<void> {
    await this.connection.query(
      ctx,
      `INSERT INTO growth_events (member_id, amount, kind, source_type, source_id, occurred_at)
       SELECT member_id, -amount, 'reversal', source_type, source_id, occurred_at FROM growth_events
       WHERE member_id = $1 AND source_type = $2 AND source_id = $3 AND kind = 'grant'
       ON CONFLICT DO NOTHING`,
      [memberId, source.type, source.id],
    );
  }

  async growth12m(ctx: RequestContext, memberId: string): Promise<number> {
    const [row] = await this.connection.query<{ growth: number }>(
      ctx,
      `SELECT COALESCE(SUM(amount), 0)::int AS growth FROM growth_events
       WHERE member_id = $1 AND occurred_at > ${yearBefore('$2::timestamptz')}`,
      [memberId, this.clock.now()],
    );
    return row.growth;
  }

  async card(ctx: RequestContext, memberId: string): Promise<MemberCard> {
    const [member] = await this.connection.query<{ tier: MemberTier; tier_review_at: Date | null }>(
      ctx,
      `SELECT tier, tier_review_at FROM members WHERE id = $1`,
      [memberId],
    );
    if (!member) throw AppException.notFound('Member');
    const { tiers } = await this.rules.current(ctx);
    const growth = await this.growth12m(ctx, memberId);
    const index = Math.max(
      0,
      tiers.findIndex((t) => t.code === member.tier),
    );
    const next: TierRule | undefined = tiers[index + 1];
    const history = await this.connection.query<{
      from_tier: MemberTier;
      to_tier: MemberTier;
      reason: 'upgrade' | 'retention' | 'manual';
      rule_version: number;
      created_at: Date;
    }>(
      ctx,
      `SELECT from_tier, to_tier, reason, rule_version, created_at FROM tier_changes
       WHERE member_id = $1 ORDER BY created_at DESC LIMIT 20`,
      [memberId],
    );
    return {
      tier: member.tier,
      growth,
      nextTier: (next?.code as MemberTier | undefined) ?? null,
      growthToNext: next ? Math.max(0, next.threshold - growth) : 0,
      benefits: tiers[index] as MemberCard['benefits'],
      tiers: tiers as MemberCard['tiers'],
      tierReviewAt: member.tier_review_at?.toISOString() ?? null,
      history: history.map((h) => ({
        from: h.from_tier,
        to: h.to_tier,
        reason: h.reason,
        ruleVersion: h.rule_version,
        at: h.created_at.toISOString(),
      })),
      ...this.memberCodes.issue(memberId),
    };
  }

  /**
   * Reviews up to `limit` members whose tier anniversary has come: each keeps the tier when
   * their growth from 12 months before the anniversary up to now meets its retention
   * threshold, else drops one tier, never below a manual floor in force; a tier such a floor
   * alone kept is reviewed again when the floor ends. The job runs after an
   * anniversary: growth earned just after reaching the tier still counts, though more than 12
   * months old by then, and so does growth earned since the anniversary (on its day, as the
   * card shows it), which may have reached the tier again. Set-based: two reads and two writes
   * per batch, whatever its size.
   */
  async reviewDue(ctx: RequestContext, limit: number): Promise<number> {
    const now = this.clock.now();
    const locked = await this.connection.query<{
      id: string;
      tier: MemberTier;
      tier_review_at: Date;
      manual_tier: MemberTier | null;
      manual_tier_until: Date | null;
    }>(
      ctx,
      `SELECT id, tier, tier_review_at, manual_tier, manual_tier_until FROM members
       WHERE tier_review_at <= $1 ORDER BY tier_review_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    if (locked.length === 0) return 0;
    // The growth in a statement of its own, after the rows are locked: the statement that locks
    // them reads with the snapshot it started with, which misses growth committed while it ran.
    const growth = await this.connection.query<{ id: string; growth: number }>(
      ctx,
      `SELECT due.id, COALESCE((SELECT SUM(g.amount) FROM growth_events g
                                WHERE g.member_id = due.id
                                  AND g.occurred_at > ${yearBefore('due.tier_review_at')}), 0)::int AS growth
       FROM members due WHERE due.id = ANY($1::uuid[])`,
      [locked.map((m) => m.id)],
    );
    const growthOf = new Map(growth.map((g) => [g.id, g.growth]));
    const due = locked.map((m) => ({ ...m, growth: growthOf.get(m.id) ?? 0 }));
    const { version, tiers } = await this.rules.current(ctx);
    const indexOf = (tier: MemberTier | null) =>
      tier
        ? Math.max(
            0,
            tiers.findIndex((t) => t.code === tier),
          )
        : 0;
    const reviews = due.map((m) => {
      const floor =
        m.manual_tier && m.manual_tier_until
          ? { tierIndex: indexOf(m.manual_tier), until: m.manual_tier_until }
          : null;
      const decision = evaluateRetention(tiers, indexOf(m.tier), m.growth, now, floor);
      const heldByFloor =
        decision.tierIndex > 0 && !decision.dropped && !!decision.heldByFloorUntil;
      return {
        id: m.id,
        from: m.tier,
        to: tiers[decision.tierIndex].code as MemberTier,
        dropped: decision.dropped,
        heldByFloor,
        // A kept tier is reviewed again a year on, or when the manual floor that alone kept it
        // ends; a new tier a year from now; the base tier never.
        nextReview:
          decision.tierIndex === 0
            ? null
            : decision.dropped
              ? tierAnniversary(now)
              : (decision.heldByFloorUntil ?? tierAnniversary(m.tier_review_at)),
      };
    });
    await this.connection.query(
      ctx,
      `UPDATE members m SET tier = r.tier, tier_review_at = r.next_review,
              tier_review_by_floor = r.held_by_floor,
              tier_reached_at = CASE WHEN r.dropped THEN $5::timestamptz ELSE m.tier_reached_at END
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::boolean[], $6::boolean[])
         AS r(id, tier, next_review, dropped, held_by_floor)
       WHERE m.id = r.id`,
      [
        reviews.map((r) => r.id),
        reviews.map((r) => r.to),
        reviews.map((r) => r.nextReview),
        reviews.map((r) => r.dropped),
        now,
        reviews.map((r) => r.heldByFloor),
      ],
    );
    const drops = reviews.filter((r) => r.dropped);
    if (drops.length > 0) {
      const changes = await this.connection.query<TierChangeRow>(
        ctx,
        `INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, rule_version)
         SELECT id, from_tier, to_tier, 'retention', $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d(id, from_tier, to_tier)
         RETURNING id, member_id, to_tier, reason`,
        [drops.map((d) => d.id), drops.map((d) => d.from), drops.map((d) => d.to), version],
      );
      await this.notifyTierChanges(ctx, changes);
    }
    return due.length;
  }

  /**
   * Raises up to `limit` members whose rolling growth reaches a higher tier under the rules in
   * force than the one they hold, as their next growth would (entry gifts once, a notice):
   * published rules with a lower threshold move members up at once, as the simulation said.
   * Once a batch finds fewer than `limit`, the version counts as applied and later runs cost
   * one read. Each member is locked as it is upgraded, never skipped; one raised meanwhile by
   * its own growth is left as it is.
   */
  async upgradeToRulesInForce(ctx: RequestContext, limit: number): Promise<number> {
    const { version, tiers } = await this.rules.current(ctx);
    const [applied] = await this.connection.query(
      ctx,
      `SELECT 1 FROM tier_rules_applied WHERE version = $1`,
      [version],
    );
    if (applied) return 0;
    const now = this.clock.now();
    // width_bucket counts the thresholds the growth reaches: the 1-based tier it earns.
    const due = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT m.id FROM members m
       JOIN (${ROLLING_GROWTH}) g ON g.member_id = m.id
       WHERE width_bucket(g.growth, $2::int[]) > array_position($3::text[], m.tier)
       ORDER BY m.id LIMIT $4`,
      [now, tiers.map((t) => t.threshold), tiers.map((t) => t.code), limit],
    );
    for (const { id } of due) {
      // Completing an order locks the points account, then the member: so does this.
      await this.ledger.holdAccounts(ctx, [id]);
      await this.upgrade(ctx, id);
    }
    if (due.length < limit) {
      await this.connection.query(
        ctx,
        `INSERT INTO tier_rules_applied (version, applied_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [version, now],
      );
    }
    return due.length;
  }

  /** An operator sets a tier as a floor until a date: the member is raised to it at once if below. */
  async setManualTier(
    ctx: RequestContext,
    memberId: string,
    tier: MemberTier,
    until: Date,
  ): Promise<void> {
    if (until.getTime() <= this.clock.now().getTime()) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'The request is not valid',
        { fields: { until: ['until must be today or a later day'] } },
      );
    }
    const [member] = await this.connection.query<{ tier: MemberTier }>(
      ctx,
      `SELECT tier FROM members WHERE id = $1 FOR NO KEY UPDATE`,
      [memberId],
    );
    if (!member) throw AppException.notFound('Member');
    const { version, tiers } = await this.rules.current(ctx);
    const rank = (code: MemberTier) => tiers.findIndex((t) => t.code === code);
    // A review put off until the end of the floor that alone kept the tier comes at the end of
    // this one, when that is sooner.
    await this.connection.query(
      ctx,
      `UPDATE members SET manual_tier = $2, manual_tier_until = $3,
              tier_review_at = CASE WHEN tier_review_by_floor
                                    THEN LEAST(tier_review_at, $3) ELSE tier_review_at END
       WHERE id = $1`,
      [memberId, tier, until],
    );
    if (rank(tier) > rank(member.tier)) {
      await this.raiseTier(ctx, memberId, member.tier, tier, 'manual', version);
    }
  }

  /** A member reaches a higher tier now: held for a year from today, and recorded with why. */
  private async raiseTier(
    ctx: RequestContext,
    memberId: string,
    from: MemberTier,
    to: MemberTier,
    reason: 'upgrade' | 'manual',
    ruleVersion: number,
  ): Promise<void> {
    const now = this.clock.now();
    await this.connection.query(
      ctx,
      `UPDATE members SET tier = $2, tier_reached_at = $3, tier_review_at = $4,
              tier_review_by_floor = false
       WHERE id = $1`,
      [memberId, to, now, tierAnniversary(now)],
    );
    const changes = await this.connection.query<TierChangeRow>(
      ctx,
      `INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, rule_version) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, member_id, to_tier, reason`,
      [memberId, from, to, reason, ruleVersion],
    );
    await this.notifyTierChanges(ctx, changes);
  }

  /** Tells each member their new tier, once per change. */
  private notifyTierChanges(ctx: RequestContext, changes: TierChangeRow[]): Promise<void> {
    return this.notifications.notifyMany(
      ctx,
      changes.map((change) => {
        const name = MEMBER_TIER_NAMES[change.to_tier];
        const dropped = change.reason === 'retention';
        return {
          memberId: change.member_id,
          kind: 'tier_changed' as const,
          dedupeKey: `tier:${change.id}`,
          title: dropped ? `会员等级调整为${name}` : `恭喜升级为${name}`,
          body: dropped
            ? '过去一年的成长值未达到保级要求，多和邻居拼团就能升回来'
            : '新等级的折扣和积分倍数已生效，去会员页看看',
          data: { tier: change.to_tier },
        };
      }),
    );
  }

  /**
   * Moves the member up to the tier their growth reaches, granting each entry gift once: those
   * of the tiers passed on the way, and those of the thresholds `gained` (growth just recorded)
   * crossed below a tier held by hand.
   */
  private async upgrade(ctx: RequestContext, memberId: string, gained = 0): Promise<void> {
    // Not FOR UPDATE: that would wait for every transaction writing a row that refers to the
    // member (an order, a review), some of which wait for the points account held here.
    const [member] = await this.connection.query<{ tier: MemberTier }>(
      ctx,
      `SELECT tier FROM members WHERE id = $1 FOR NO KEY UPDATE`,
      [memberId],
    );
    const { version, tiers } = await this.rules.judgingBy(ctx);
    const gifts = await this.connection.query<{ tier: string }>(
      ctx,
      `SELECT tier FROM tier_entry_gifts WHERE member_id = $1`,
      [memberId],
    );
    const current = Math.max(
      0,
      tiers.findIndex((t) => t.code === member.tier),
    );
    const growth = await this.growth12m(ctx, memberId);
    const decision = evaluateUpgrade(
      tiers,
      current,
      growth,
      new Set(gifts.map((g) => g.tier)),
      growth - gained,
    );
    if (decision.tierIndex > current) {
      await this.raiseTier(
        ctx,
        memberId,
        member.tier,
        tiers[decision.tierIndex].code as MemberTier,
        'upgrade',
        version,
      );
    }
    for (const giftIndex of decision.entryGiftsFor) {
      const tier = tiers[giftIndex];
      const granted = await this.connection.query(
        ctx,
        `INSERT INTO tier_entry_gifts (member_id, tier, points) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING tier`,
        [memberId, tier.code, tier.entryGiftPoints],
      );
      if (granted.length > 0) {
        await this.ledger.grant(
          ctx,
          memberId,
          { type: 'tier-entry-gift', id: tier.code },
          tier.entryGiftPoints,
          `${tier.name}入会礼`,
        );
      }
    }
  }
}
