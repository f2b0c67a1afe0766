import { HttpStatus, Injectable } from '@nestjs/common';
import {
  addBusinessDays,
  businessDay,
  checkInReward,
  CheckInRules,
  nextStreakBonus,
  streakAfter,
} from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsLedger } from '../points/points-ledger.service';
import { PointsPolicyService } from '../points/points-policy.service';
import { MemberTiersService } from '../tiers/member-tiers.service';
import { CheckInCalendar, CheckInResult } from './dto/check-in.dto';

export const checkInAlreadyDone = (day: string) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.CheckInAlreadyDone, 'Already checked in today', {
    day,
  });

/**
 * Daily check-in (签到): once a member and Shanghai business day. Its points are spendable at
 * once and its growth counts towards the tier; both are keyed on the day, so neither is ever
 * credited twice.
 */
@Injectable()
export class CheckInsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly ledger: PointsLedger,
    private readonly tiers: MemberTiersService,
    private readonly clock: Clock,
  ) {}

  /** Today's check-in; a second one the same day is a 409, whoever comes second of two at once. */
  async checkIn(ctx: RequestContext, memberId: string): Promise<CheckInResult> {
    const day = businessDay(this.clock.now());
    const rules = await this.rules(ctx);
    return this.connection.withTransaction(ctx, async () => {
      // The member's account first: their check-ins take turns, so one just after midnight
      // reads the streak of one just before it, however close together they come.
      await this.ledger.holdAccounts(ctx, [memberId]);
      const [yesterday] = await this.connection.query<{ streak: number }>(
        ctx,
        `SELECT streak FROM check_ins WHERE member_id = $1 AND day = $2`,
        [memberId, addBusinessDays(day, -1)],
      );
      const streak = streakAfter(yesterday?.streak ?? null);
      const reward = checkInReward(streak, rules);
      // Of two check-ins at once, the second waits on the first's row and then inserts nothing.
      const inserted = await this.connection.query(
        ctx,
        `INSERT INTO check_ins (member_id, day, streak, points, growth) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (member_id, day) DO NOTHING RETURNING day`,
        [memberId, day, streak, reward.points, reward.growth],
      );
      if (inserted.length === 0) throw checkInAlreadyDone(day);
      const source = { type: 'check_in', id: day };
      if (reward.points > 0) {
        const reason = reward.bonusPoints > 0 ? `连续签到 ${streak} 天` : '每日签到';
        await this.ledger.grant(ctx, memberId, source, reward.points, reason);
      }
      if (reward.growth > 0) await this.tiers.recordGrowth(ctx, memberId, source, reward.growth);
      return {
        day,
        streak,
        pointsAwarded: reward.points,
        bonusPoints: reward.bonusPoints,
        growthAwarded: reward.growth,
      };
    });
  }

  /** A month of check-ins, with the streak as it stands today and the next bonus ahead. */
  async calendar(ctx: RequestContext, memberId: string, month?: string): Promise<CheckInCalendar> {
    const today = businessDay(this.clock.now());
    const shown = month ?? today.slice(0, 7);
    const rules = await this.rules(ctx);
    const days = await this.connection.query<{ day: string; streak: number; points: number }>(
      ctx,
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, streak, points FROM check_ins
       WHERE member_id = $1 AND day >= $2::date AND day < $2::date + interval '1 month'
       ORDER BY day`,
      [memberId, `${shown}-01`],
    );
    const recent = await this.connection.query<{ day: string; streak: number }>(
      ctx,
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, streak FROM check_ins
       WHERE member_id = $1 AND day IN ($2, $3)`,
      [memberId, today, addBusinessDays(today, -1)],
    );
    const checkedInToday = recent.some((r) => r.day === today);
    const streak = Math.max(0, ...recent.map((r) => r.streak));
    return {
      month: shown,
      today,
      checkedInToday,
      streak,
      days,
      rules,
      // A member who checked in today reaches the next bonus from tomorrow's check-in on.
      nextBonus: nextStreakBonus(streak, rules.streakBonuses),
    };
  }

  private async rules(ctx: RequestContext): Promise<CheckInRules> {
    const policy = await this.policies.get(ctx);
    return {
      points: policy.checkInPoints,
      growth: policy.checkInGrowth,
      streakBonuses: policy.checkInStreakBonuses,
    };
  }
}
