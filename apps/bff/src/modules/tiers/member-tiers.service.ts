import { Injectable } from '@nestjs/common';
import { evaluateUpgrade, TierRule, tierAnniversary } from '@linli/domain';
import type { MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsLedger, PointsSource } from '../points/points-ledger.service';
import { MemberCard } from './dto/member-card.dto';
import { MemberCodeService } from './member-code.service';
import { TierRulesService } from './tier-rules.service';

/** A member's growth, tier and card. Other modules report growth here; tiers follow from it. */
@Injectable()
export class MemberTiersService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly rules: TierRulesService,
    private readonly ledger: PointsLedger,
    private readonly memberCodes: MemberCodeService,
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
      await this.connection.query(
        ctx,
        `INSERT INTO growth_events (member_id, amount, kind, source_type, source_id, occurred_at)
         VALUES ($1, $2, 'grant', $3, $4, $5) ON CONFLICT DO NOTHING`,
        [memberId, amount, source.type, source.id, this.clock.now()],
      );
      await this.upgrade(ctx, memberId);
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
       WHERE member_id = $1 AND occurred_at > $2::timestamptz - interval '12 months'`,
      [memberId, this.clock.now()],
    );
    return row.growth;
  }

  async card(ctx: RequestContext, memberId: string): Promise<MemberCard> {
    const [member] = await this.connection.query<{ tier: MemberTier; tier_reached_at: Date }>(
      ctx,
      `SELECT tier, tier_reached_at FROM members WHERE id = $1`,
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
      tierReviewAt: tierAnniversary(member.tier_reached_at).toISOString(),
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

  /** Moves the member up to the tier their growth reaches, granting each entry gift once. */
  private async upgrade(ctx: RequestContext, memberId: string): Promise<void> {
    const [member] = await this.connection.query<{ tier: MemberTier }>(
      ctx,
      `SELECT tier FROM members WHERE id = $1 FOR UPDATE`,
      [memberId],
    );
    const { version, tiers } = await this.rules.current(ctx);
    const gifts = await this.connection.query<{ tier: string }>(
      ctx,
      `SELECT tier FROM tier_entry_gifts WHERE member_id = $1`,
      [memberId],
    );
    const current = Math.max(
      0,
      tiers.findIndex((t) => t.code === member.tier),
    );
    const decision = evaluateUpgrade(
      tiers,
      current,
      await this.growth12m(ctx, memberId),
      new Set(gifts.map((g) => g.tier)),
    );
    if (decision.tierIndex === current) return;
    const to = tiers[decision.tierIndex].code as MemberTier;
    await this.connection.query(
      ctx,
      `UPDATE members SET tier = $2, tier_reached_at = $3 WHERE id = $1`,
      [memberId, to, this.clock.now()],
    );
    await this.connection.query(
      ctx,
      `INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, rule_version) VALUES ($1, $2, $3, 'upgrade', $4)`,
      [memberId, member.tier, to, version],
    );
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
