import { Injectable } from '@nestjs/common';
import { businessDay } from '@linli/domain';
import type { MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsPolicy } from '../points/dto/points-policy.dto';
import { TierRulesService } from './tier-rules.service';

export interface MemberBenefits {
  tier: MemberTier;
  /** Price paid in basis points of the list price. */
  discountBps: number;
  pointsMultiplierPct: number;
  /** 100 on ordinary days; the policy's multiplier on member day. */
  memberDayMultiplierPct: number;
  birthdayGiftPoints: number;
  exclusiveCampaigns: boolean;
}

/** The one place other modules ask what a member's tier and today give them. */
@Injectable()
export class MemberBenefitsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly rules: TierRulesService,
    private readonly clock: Clock,
  ) {}

  /** What the member's tier and the day of `at` (a payment's time, say) give them. */
  async of(
    ctx: RequestContext,
    memberId: string,
    policy: PointsPolicy,
    at: Date,
  ): Promise<MemberBenefits> {
    const [member] = await this.connection.query<{ tier: MemberTier }>(
      ctx,
      `SELECT tier FROM members WHERE id = $1`,
      [memberId],
    );
    if (!member) throw AppException.notFound('Member');
    return this.forTier(ctx, member.tier, policy, at);
  }

  /** The same, for a caller that already knows the tier; today unless `at` says otherwise. */
  async forTier(
    ctx: RequestContext,
    code: MemberTier,
    policy: PointsPolicy,
    at = this.clock.now(),
  ): Promise<MemberBenefits> {
    const { tiers } = await this.rules.current(ctx);
    const tier = tiers.find((t) => t.code === code) ?? tiers[0];
    const dayOfMonth = Number(businessDay(at).slice(8, 10));
    return {
      tier: code,
      discountBps: tier.discountBps,
      pointsMultiplierPct: tier.pointsMultiplierPct,
      memberDayMultiplierPct: policy.memberDay === dayOfMonth ? policy.memberDayMultiplierPct : 100,
      birthdayGiftPoints: tier.birthdayGiftPoints,
      exclusiveCampaigns: tier.exclusiveCampaigns,
    };
  }
}
