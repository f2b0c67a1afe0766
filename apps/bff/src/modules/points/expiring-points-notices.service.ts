import { Injectable } from '@nestjs/common';
import { endOfBusinessDaysAhead } from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsPolicyService } from './points-policy.service';

const noticeKey = (memberId: string, day: string) => `points-expiring:${memberId}:${day}`;

/**
 * Tells members, `expiryNoticeDays` business days ahead, how many points run out on each
 * expiry day: one notice per member and day, however often it runs. A policy of 0 days sends
 * none.
 */
@Injectable()
export class ExpiringPointsNotices {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async noticeDue(ctx: RequestContext, limit: number): Promise<number> {
    const { expiryNoticeDays } = await this.policies.get(ctx);
    if (expiryNoticeDays === 0) return 0;
    // Due: lots whose Shanghai expiry day is at most `expiryNoticeDays` after today. The bound
    // is the end of that day, so the hour the job runs at does not matter: a lot that ends at
    // 23:59:59 on day D is noticed from the start of day D - expiryNoticeDays.
    const now = this.clock.now();
    const horizon = endOfBusinessDaysAhead(now, expiryNoticeDays);
    const due = await this.connection.query<{ member_id: string; day: string; points: number }>(
      ctx,
      `SELECT l.member_id, to_char(l.expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
              SUM(l.remaining)::int AS points
       FROM point_lots l
       WHERE l.state = 'available' AND l.remaining > 0
         AND l.expires_at > $1 AND l.expires_at < $2
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key =
               'points-expiring:' || l.member_id || ':' || to_char(l.expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'))
       GROUP BY 1, 2 ORDER BY 2, 1 LIMIT $3`,
      [now, horizon, limit],
    );
    await this.notifications.notifyMany(
      ctx,
      due.map((d) => ({
        memberId: d.member_id,
        kind: 'points_expiring' as const,
        dedupeKey: noticeKey(d.member_id, d.day),
        title: `${d.points} 积分将于 ${d.day} 过期`,
        body: '下单时积分可以抵扣现金，别让它白白过期',
        data: { points: d.points, expiresOn: d.day },
      })),
    );
    return due.length;
  }
}
