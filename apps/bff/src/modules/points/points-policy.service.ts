import { HttpStatus, Injectable } from '@nestjs/common';
import { streakBonusProblems, takesMemberDay } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { PointsPolicy, StreakBonus, UpdatePointsPolicyRequest } from './dto/points-policy.dto';

export interface PolicyRow {
  earn_points_per_yuan: number;
  redeem_points_per_yuan: number;
  max_deduction_bps: number;
  after_sales_days: number;
  expiry_months: number;
  expiring_soon_days: number;
  expiry_notice_days: number;
  member_day: number | null;
  member_day_multiplier_pct: number;
  check_in_points: number;
  check_in_growth: number;
  check_in_streak_bonuses: StreakBonus[];
  referral_inviter_points: number;
  referral_invitee_points: number;
  referral_monthly_cap: number;
  review_points: number;
  review_growth: number;
  version: number;
  updated_at: Date;
}

const COLUMNS: Record<keyof Omit<PointsPolicy, 'version' | 'updatedAt'>, keyof PolicyRow> = {
  earnPointsPerYuan: 'earn_points_per_yuan',
  redeemPointsPerYuan: 'redeem_points_per_yuan',
  maxDeductionBps: 'max_deduction_bps',
  afterSalesDays: 'after_sales_days',
  expiryMonths: 'expiry_months',
  expiringSoonDays: 'expiring_soon_days',
  expiryNoticeDays: 'expiry_notice_days',
  memberDay: 'member_day',
  memberDayMultiplierPct: 'member_day_multiplier_pct',
  checkInPoints: 'check_in_points',
  checkInGrowth: 'check_in_growth',
  checkInStreakBonuses: 'check_in_streak_bonuses',
  referralInviterPoints: 'referral_inviter_points',
  referralInviteePoints: 'referral_invitee_points',
  referralMonthlyCap: 'referral_monthly_cap',
  reviewPoints: 'review_points',
  reviewGrowth: 'review_growth',
};

/** The policy's one row. */
export const POINTS_POLICY = `SELECT * FROM points_policy WHERE id = 1`;

export function toPolicy(row: PolicyRow): PointsPolicy {
  const policy = Object.fromEntries(
    Object.entries(COLUMNS).map(([field, column]) => [field, row[column]]),
  );
  return {
    ...(policy as Omit<PointsPolicy, 'version' | 'updatedAt'>),
    checkInStreakBonuses: [...row.check_in_streak_bonuses].sort((a, b) => a.day - b.day),
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}

const withoutUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The operator's points rules: one row, versioned, every change audited. */
@Injectable()
export class PointsPolicyService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The policy; `lock` keeps its row locked until the transaction ends. */
  async get(ctx: RequestContext, { lock = false } = {}): Promise<PointsPolicy> {
    const [row] = await this.connection.query<PolicyRow>(
      ctx,
      `${POINTS_POLICY}${lock ? ' FOR UPDATE' : ''}`,
    );
    return toPolicy(row);
  }

  /**
   * Replaces the policy; the engagement rules (check-in, referral, review) left out stay as
   * they are. The row is locked before it is read, so that of two operators saving at once, the
   * second one's audit entry shows the first one's policy as what it replaced.
   */
  async update(ctx: RequestContext, next: UpdatePointsPolicyRequest): Promise<PointsPolicy> {
    const problems = streakBonusProblems(next.checkInStreakBonuses ?? []);
    if (problems.length > 0)
      throw new AppException(400, ErrorCode.ValidationFailed, 'The request is not valid', {
        fields: { checkInStreakBonuses: problems },
      });
    const before = await this.get(ctx, { lock: true });
    const policy = { ...before, ...withoutUndefined(next) };
    if (policy.memberDay !== before.memberDay) await this.checkMemberDayCampaigns(ctx, policy);
    const fields = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
    const [row] = await this.connection.query<PolicyRow>(
      ctx,
      `UPDATE points_policy SET ${fields.map((f, i) => `${COLUMNS[f]} = $${i + 1}`).join(', ')},
         version = version + 1, updated_at = now()
       WHERE id = 1 RETURNING *`,
      // The driver would send an array as a PostgreSQL array, not as JSON.
      fields.map((f) =>
        f === 'checkInStreakBonuses' ? JSON.stringify(policy[f]) : (policy[f] ?? null),
      ),
    );
    const after = toPolicy(row);
    await this.audit.record(
      ctx,
      'points-policy.update',
      { type: 'points-policy', id: '1' },
      { before, after },
    );
    return after;
  }

  /**
   * 409 when a published member-day group-buy not yet cut off would have no member day between
   * its start and cut-off under the new one: it could never be bought. A draft is checked again
   * when it is published.
   */
  private async checkMemberDayCampaigns(ctx: RequestContext, policy: PointsPolicy): Promise<void> {
    const now = this.clock.now();
    const open = await this.connection.query<{
      id: string;
      title: string;
      starts_at: Date;
      cuts_off_at: Date;
    }>(
      ctx,
      `SELECT id, title, starts_at, cuts_off_at FROM campaigns
       WHERE member_day_only AND status = 'published' AND cuts_off_at > $1
       ORDER BY cuts_off_at, id`,
      [now],
    );
    const stranded = open.filter(
      (c) => !takesMemberDay(c.starts_at, c.cuts_off_at, policy.memberDay, now),
    );
    if (stranded.length > 0)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.CampaignInvalid,
        'Member-day group-buys on sale would have no member day: withdraw them first, or wait for their cut-off',
        { campaigns: stranded.map((c) => ({ id: c.id, title: c.title })) },
      );
  }
}
