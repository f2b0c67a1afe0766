import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import {
  birthdayChangeableFrom,
  birthdayProblems,
  birthdaysKeptWithin,
  businessDay,
} from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsLedger } from '../points/points-ledger.service';
import { MemberBenefitsService } from '../tiers/member-benefits.service';
import { BirthdayView } from './dto/birthday.dto';

/** A gift missed on the day (the job did not run, the birthday was set since) comes this late at most. */
export const BIRTHDAY_GIFT_DAYS = 7;

/**
 * Members' birthdays (set once, changed at most once a year) and the tier's birthday points,
 * given once a member and year on the day the birthday is kept.
 */
@Injectable()
export class BirthdaysService {
  private readonly logger = new Logger(BirthdaysService.name);

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly benefits: MemberBenefitsService,
    private readonly ledger: PointsLedger,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Sets the member's birthday. The same day again changes nothing; another day is refused
   * (409 BIRTHDAY_LOCKED) until a year after it was last set.
   */
  async set(ctx: RequestContext, memberId: string, birthday: string): Promise<BirthdayView> {
    const today = businessDay(this.clock.now());
    const problems = birthdayProblems(birthday, today);
    if (problems.length > 0)
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'The request is not valid',
        { fields: { birthday: problems } },
      );
    // Locked while it is checked and changed: of two changes at once, the second sees the first.
    const [current] = await this.connection.query<{
      birthday: string | null;
      set_on: string | null;
    }>(
      ctx,
      `SELECT birthday, birthday_set_on AS set_on FROM members WHERE id = $1 FOR NO KEY UPDATE`,
      [memberId],
    );
    if (!current) throw AppException.notFound('Member');
    if (current.birthday !== birthday) {
      const changeableFrom = current.set_on ? birthdayChangeableFrom(current.set_on) : today;
      if (changeableFrom > today)
        throw new AppException(
          HttpStatus.CONFLICT,
          ErrorCode.BirthdayLocked,
          'A birthday can be changed once a year',
          { changeableFrom },
        );
      await this.connection.query(
        ctx,
        `UPDATE members SET birthday = $2, birthday_set_on = $3 WHERE id = $1`,
        [memberId, birthday, today],
      );
    }
    const view = await this.get(ctx, memberId);
    if (!view) throw new Error('the birthday was just set');
    return view;
  }

  /** The member's birthday, when it may change, and their tier's gift; null when not set. */
  async get(ctx: RequestContext, memberId: string): Promise<BirthdayView | null> {
    const [row] = await this.connection.query<{ birthday: string | null; set_on: string | null }>(
      ctx,
      `SELECT birthday, birthday_set_on AS set_on FROM members WHERE id = $1`,
      [memberId],
    );
    if (!row) throw AppException.notFound('Member');
    if (!row.birthday || !row.set_on) return null;
    const { benefits } = await this.benefits.standing(ctx, memberId);
    return {
      birthday: row.birthday,
      changeableFrom: birthdayChangeableFrom(row.set_on),
      giftPoints: benefits.birthdayGiftPoints,
    };
  }

  /**
   * Gives up to `limit` members whose birthday is kept today, or was within the last
   * BIRTHDAY_GIFT_DAYS days, their tier's birthday points, once a year: a notice tells them.
   * Returns how many it handled.
   */
  async giveDueGifts(ctx: RequestContext, limit: number): Promise<number> {
    const kept = birthdaysKeptWithin(businessDay(this.clock.now()), BIRTHDAY_GIFT_DAYS);
    const due = await this.connection.query<{ id: string; year: number }>(
      ctx,
      `SELECT m.id, d.year FROM members m
       JOIN unnest($1::int[], $2::int[], $3::int[]) AS d(year, month, day)
         ON extract(month FROM m.birthday) = d.month AND extract(day FROM m.birthday) = d.day
       WHERE m.birthday IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM birthday_gifts g WHERE g.member_id = m.id AND g.year = d.year)
       ORDER BY m.id LIMIT $4`,
      [kept.map((k) => k.year), kept.map((k) => k.month), kept.map((k) => k.day), limit],
    );
    for (const { id, year } of due) await this.give(ctx, id, year);
    return due.length;
  }

  private async give(ctx: RequestContext, memberId: string, year: number): Promise<void> {
    const { tier, benefits } = await this.benefits.standing(ctx, memberId);
    const points = benefits.birthdayGiftPoints;
    const [given] = await this.connection.query(
      ctx,
      `INSERT INTO birthday_gifts (member_id, year, tier, points) VALUES ($1, $2, $3, $4)
       ON CONFLICT (member_id, year) DO NOTHING RETURNING year`,
      [memberId, year, tier, points],
    );
    if (!given || points === 0) return;
    await this.ledger.grant(
      ctx,
      memberId,
      { type: 'birthday', id: String(year) },
      points,
      '生日礼',
    );
    await this.notifications.notify(ctx, memberId, {
      kind: 'birthday_gift',
      dedupeKey: `birthday-gift:${memberId}:${year}`,
      title: '生日快乐',
      body: `邻里送你 ${points} 积分生日礼，下单时可以抵扣现金`,
      data: { points, year },
    });
    this.logger.log({ memberId, year, points }, 'birthday gift given');
  }
}
