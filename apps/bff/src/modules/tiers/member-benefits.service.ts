import { Injectable } from '@nestjs/common';
import { businessDay } from '@linli/domain';
import type { MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsPolicy } from '../points/dto/points-policy.dto';
import { PointsPolicyService } from '../points/points-policy.service';
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
    private readonly policies: PointsPolicyService,
    private readonly clock: Clock,
  ) {}

  /** `policy` when the caller already holds the points policy. */
  async of(ctx: RequestContext, memberId: string, policy?: PointsPolicy): Promise<MemberBenefits> {
    const [member] = await this.connection.query<{ tier: MemberTier }>(
      ctx,
      `SELECT tier FROM members WHERE id = $1`,
      [memberId],
    );
    if (!member) throw AppException.notFound('Member');
    return this.forTier(ctx, member.tier, policy ?? (await this.policies.get(ctx)));
  }

  /** The same, for a caller that already knows the tier and holds the points policy. */
  async forTier(
    ctx: RequestContext,
    code: MemberTier,
    policy: PointsPolicy,
  ): Promise<MemberBenefits> {
    const { tiers } = await this.rules.current(ctx);
    const tier = tiers.find((t) => t.code === code) ?? tiers[0];
    const dayOfMonth = Number(businessDay(this.clock.now()).slice(8, 10));
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
