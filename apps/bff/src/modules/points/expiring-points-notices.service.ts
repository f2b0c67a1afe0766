import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { PointsPolicyService } from './points-policy.service';

const noticeKey = (memberId: string, day: string) => `points-expiring:${memberId}:${day}`;

/**
 * Tells members, `expiryNoticeDays` ahead, how many points run out on each expiry day: one
 * notice per member and day, however often it runs. A policy of 0 days sends none.
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
    const due = await this.connection.query<{ member_id: string; day: string; points: number }>(
      ctx,
      `SELECT l.member_id, to_char(l.expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
              SUM(l.remaining)::int AS points
       FROM point_lots l
       WHERE l.state = 'available' AND l.remaining > 0
         AND l.expires_at > $1 AND l.expires_at <= $1 + make_interval(days => $2)
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key =
               'points-expiring:' || l.member_id || ':' || to_char(l.expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'))
       GROUP BY 1, 2 ORDER BY 2, 1 LIMIT $3`,
      [this.clock.now(), expiryNoticeDays, limit],
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
