import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { alreadyDecided } from '../../common/decision';
import { isUniqueViolation } from '../../common/errors/database-errors';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuditService } from '../audit/audit.service';
import { NotificationsService } from '../notifications/notifications.service';
import {
  ApplicationQuery,
  ApplicationStatus,
  LeaderApplication,
  LeaderApplicationPage,
  LeaderApplicationRequest,
} from './dto/leader.dto';
import {
  alreadyLeader,
  applicationPending,
  notThisPointsLeader,
  pickupPointTaken,
} from './fulfilment.exception';

interface ApplicationRow {
  id: string;
  member_id: string;
  nickname: string;
  pickup_point_id: string;
  pickup_point_name: string;
  real_name: string;
  phone: string;
  note: string;
  status: ApplicationStatus;
  decision_note: string | null;
  decided_at: Date | null;
  created_at: Date;
  cursor_at: string;
}

const SELECT_APPLICATION = `
  SELECT a.*, a.created_at::text AS cursor_at, m.nickname, p.name AS pickup_point_name
  FROM leader_applications a
  JOIN members m ON m.id = a.member_id JOIN pickup_points p ON p.id = a.pickup_point_id`;

const toApplication = (r: ApplicationRow): LeaderApplication => ({
  id: r.id,
  memberId: r.member_id,
  nickname: r.nickname,
  pickupPointId: r.pickup_point_id,
  pickupPointName: r.pickup_point_name,
  realName: r.real_name,
  phone: r.phone,
  note: r.note,
  status: r.status,
  decisionNote: r.decision_note,
  decidedAt: r.decided_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

/** Why the other applications for a point are turned down once it has its leader. */
const POINT_TAKEN = '该自提点已有团长';

/** Who runs which pickup point: applications, the operator's decision, one leader per point. */
@Injectable()
export class LeadersService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The pickup point the caller leads; 403 for anyone who leads none. */
  async pointOf(ctx: RequestContext): Promise<string> {
    const [point] = await this.connection.query<{ id: string }>(
      ctx,
      `SELECT id FROM pickup_points WHERE leader_member_id = $1`,
      [ctx.memberId],
    );
    if (!point) throw notThisPointsLeader();
    return point.id;
  }

  async apply(ctx: RequestContext, request: LeaderApplicationRequest): Promise<LeaderApplication> {
    // Shared with other applicants, exclusive of a decision: an application cannot slip in for a
    // point whose approval has just turned the waiting ones down.
    const [point] = await this.connection.query<{ leader_member_id: string | null }>(
      ctx,
      `SELECT leader_member_id FROM pickup_points WHERE id = $1 FOR SHARE`,
      [request.pickupPointId],
    );
    if (!point)
      throw AppException.notFound('Pickup point', { pickupPointId: request.pickupPointId });
    if (point.leader_member_id === ctx.memberId) throw alreadyLeader();
    if (point.leader_member_id) throw pickupPointTaken(request.pickupPointId);
    const inserted = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO leader_applications (member_id, pickup_point_id, real_name, phone, note)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
      [ctx.memberId, request.pickupPointId, request.realName, request.phone, request.note ?? ''],
    );
    if (inserted.length === 0) throw applicationPending();
    // After the insert: it waits for a decision on the member's application still pending, and
    // this statement then sees an approval that made them another point's leader.
    const leads = await this.connection.query(
      ctx,
      `SELECT 1 FROM pickup_points WHERE leader_member_id = $1`,
      [ctx.memberId],
    );
    if (leads.length > 0) throw alreadyLeader();
    return this.get(ctx, inserted[0].id);
  }

  async mine(ctx: RequestContext): Promise<LeaderApplication[]> {
    const rows = await this.connection.query<ApplicationRow>(
      ctx,
      `${SELECT_APPLICATION} WHERE a.member_id = $1 ORDER BY a.created_at DESC`,
      [ctx.memberId],
    );
    return rows.map(toApplication);
  }

  /** The operator's queue: oldest first, so that the longest waiting are decided first. */
  async list(ctx: RequestContext, query: ApplicationQuery): Promise<LeaderApplicationPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<ApplicationRow>(
      ctx,
      `${SELECT_APPLICATION}
       WHERE ($1::text IS NULL OR a.status = $1)
         AND ($2::timestamptz IS NULL OR (a.created_at, a.id) > ($2::timestamptz, $3::uuid))
       ORDER BY a.created_at, a.id LIMIT $4`,
      [query.status ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return { items: shown.map(toApplication), nextCursor };
  }

  /**
   * An operator's decision on an application. Approving makes the applicant the point's one
   * leader by a guarded update (a member leads one point at most) and turns down the other
   * applications still waiting for that point, which could never be approved and would keep
   * their applicants from applying elsewhere. Decisions on the applications of one point are
   * taken one at a time, under the point's row lock.
   */
  async decide(
    ctx: RequestContext,
    applicationId: string,
    decision: 'approved' | 'rejected',
    note: string | null,
  ): Promise<LeaderApplication> {
    await this.connection.query(
      ctx,
      `SELECT p.id FROM pickup_points p JOIN leader_applications a ON a.pickup_point_id = p.id
       WHERE a.id = $1 FOR UPDATE OF p`,
      [applicationId],
    );
    const [row] = await this.connection.query<{ member_id: string; pickup_point_id: string }>(
      ctx,
      `UPDATE leader_applications SET status = $2, decision_note = $3, decided_at = $4
       WHERE id = $1 AND status = 'pending' RETURNING member_id, pickup_point_id`,
      [applicationId, decision, note, this.clock.now()],
    );
    if (!row) {
      const existing = await this.get(ctx, applicationId);
      if (existing.status === decision) return existing;
      throw alreadyDecided(existing.status);
    }
    if (decision === 'approved') {
      try {
        const taken = await this.connection.query(
          ctx,
          `UPDATE pickup_points SET leader_member_id = $2 WHERE id = $1 AND leader_member_id IS NULL RETURNING id`,
          [row.pickup_point_id, row.member_id],
        );
        if (taken.length === 0) throw pickupPointTaken(row.pickup_point_id);
      } catch (error) {
        if (isUniqueViolation(error)) throw alreadyLeader();
        throw error;
      }
      const others = await this.connection.query<{
        id: string;
        member_id: string;
        pickup_point_id: string;
      }>(
        ctx,
        `UPDATE leader_applications SET status = 'rejected', decision_note = $2, decided_at = $3
         WHERE pickup_point_id = $1 AND status = 'pending' RETURNING id, member_id, pickup_point_id`,
        [row.pickup_point_id, POINT_TAKEN, this.clock.now()],
      );
      for (const other of others)
        await this.announce(ctx, other.id, other, 'rejected', POINT_TAKEN);
    }
    await this.announce(ctx, applicationId, row, decision, note);
    return this.get(ctx, applicationId);
  }

  /** Audits a decision and tells the applicant. */
  private async announce(
    ctx: RequestContext,
    applicationId: string,
    application: { member_id: string; pickup_point_id: string },
    decision: 'approved' | 'rejected',
    note: string | null,
  ): Promise<void> {
    await this.audit.record(
      ctx,
      `leader-application.${decision === 'approved' ? 'approve' : 'reject'}`,
      { type: 'leader-application', id: applicationId },
      { memberId: application.member_id, pickupPointId: application.pickup_point_id, note },
    );
    await this.notifications.notify(ctx, application.member_id, {
      kind: 'leader_application_decided',
      dedupeKey: `leader-application:${applicationId}`,
      title: decision === 'approved' ? '团长申请已通过' : '团长申请未通过',
      body:
        decision === 'approved'
          ? '欢迎成为团长！在「我的」里进入团长工作台。'
          : `很遗憾，这次没有通过。${note ?? ''}`,
      data: { applicationId },
    });
  }

  private async get(ctx: RequestContext, applicationId: string): Promise<LeaderApplication> {
    const [row] = await this.connection.query<ApplicationRow>(
      ctx,
      `${SELECT_APPLICATION} WHERE a.id = $1`,
      [applicationId],
    );
    if (!row) throw AppException.notFound('Leader application', { applicationId });
    return toApplication(row);
  }
}
