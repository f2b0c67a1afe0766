import { Injectable } from '@nestjs/common';
import { businessDay, TierRule } from '@linli/domain';
import type { MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsPolicy } from '../points/dto/points-policy.dto';
import { POINTS_POLICY, PolicyRow, toPolicy } from '../points/points-policy.service';
import { CURRENT_TIER_RULES } from './tier-rules.service';

export interface MemberBenefits {
  tier: MemberTier;
  /** Price paid in basis points of the list price. */
  discountBps: number;
  pointsMultiplierPct: number;
  /** 100 on ordinary days; the policy's multiplier on member day. */
  memberDayMultiplierPct: number;
  birthdayGiftPoints: number;
  exclusiveCampaigns: boolean;
  /** Whether the day is the points policy's member day (会员日), when its campaigns are open. */
  memberDay: boolean;
}

/** A member as a request that prices or rewards for them sees them, and the points policy. */
export interface MemberStanding {
  tier: MemberTier;
  pickupPointId: string | null;
  benefits: MemberBenefits;
  policy: PointsPolicy;
}

/** A tier's price, in basis points of the group price, under the rules in force. */
export interface TierDiscount {
  code: MemberTier;
  discountBps: number;
}

/** The one place other modules ask what a member's tier and today give them. */
@Injectable()
export class MemberBenefitsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
  ) {}

  /**
   * The member's tier and pickup point, what the tier and the day of `at` give them under the
   * rules in force, and the points policy, read in one statement. 404 for an unknown member.
   */
  async standing(
    ctx: RequestContext,
    memberId: string,
    at = this.clock.now(),
  ): Promise<MemberStanding> {
    const [row] = await this.connection.query<
      PolicyRow & { tier: MemberTier; pickup_point_id: string | null; tier_rules: TierRule[] }
    >(
      ctx,
      `SELECT m.tier, m.pickup_point_id, rules.tiers AS tier_rules, policy.*
       FROM members m, (${CURRENT_TIER_RULES}) rules, (${POINTS_POLICY}) policy
       WHERE m.id = $1`,
      [memberId],
    );
    if (!row) throw AppException.notFound('Member');
    const policy = toPolicy(row);
    return {
      tier: row.tier,
      pickupPointId: row.pickup_point_id,
      benefits: benefitsOf(row.tier_rules, row.tier, policy, at),
      policy,
    };
  }

  /** Each tier's discount under the rules in force, lowest tier first. */
  async tierDiscounts(ctx: RequestContext): Promise<TierDiscount[]> {
    const [rules] = await this.connection.query<{ tiers: TierRule[] }>(ctx, CURRENT_TIER_RULES);
    return rules.tiers.map(({ code, discountBps }) => ({ code: code as MemberTier, discountBps }));
  }
}

/** What a tier and the day of `at` give under these rules and this policy. */
function benefitsOf(
  tiers: readonly TierRule[],
  code: MemberTier,
  policy: PointsPolicy,
  at: Date,
): MemberBenefits {
  const tier = tiers.find((t) => t.code === code) ?? tiers[0];
  const dayOfMonth = Number(businessDay(at).slice(8, 10));
  return {
    tier: code,
    discountBps: tier.discountBps,
    pointsMultiplierPct: tier.pointsMultiplierPct,
    memberDayMultiplierPct: policy.memberDay === dayOfMonth ? policy.memberDayMultiplierPct : 100,
    birthdayGiftPoints: tier.birthdayGiftPoints,
    exclusiveCampaigns: tier.exclusiveCampaigns,
    memberDay: policy.memberDay === dayOfMonth,
  };
}
