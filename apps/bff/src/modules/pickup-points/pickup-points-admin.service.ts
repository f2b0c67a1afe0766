import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { fieldChanges, fieldsToChange } from '../../common/edits';
import { AuditService } from '../audit/audit.service';
import {
  AdminCommunity,
  AdminCommunityPage,
  AdminPickupPoint,
  AdminPickupPointPage,
  CreateCommunityRequest,
  CreatePickupPointRequest,
  PickupPointQuery,
  UpdatePickupPointRequest,
} from './dto/pickup-points-admin.dto';

interface CommunityRow {
  id: string;
  name: string;
  city: string;
  pickup_point_count: number;
  created_at: Date;
  cursor_at: string;
}

interface PickupPointRow {
  id: string;
  community_id: string;
  community_name: string;
  community_city: string;
  name: string;
  address: string;
  latitude: string;
  longitude: string;
  opening_hours: string;
  leader_member_id: string | null;
  leader_nickname: string | null;
  created_at: Date;
  cursor_at: string;
}

const SELECT_COMMUNITY = `
  SELECT c.id, c.name, c.city, c.created_at, c.created_at::text AS cursor_at,
         (SELECT count(*) FROM pickup_points p WHERE p.community_id = c.id)::int AS pickup_point_count
  FROM communities c`;

const SELECT_PICKUP_POINT = `
  SELECT p.id, p.community_id, c.name AS community_name, c.city AS community_city, p.name, p.address,
         p.latitude, p.longitude, p.opening_hours, p.leader_member_id, m.nickname AS leader_nickname,
         p.created_at, p.created_at::text AS cursor_at
  FROM pickup_points p JOIN communities c ON c.id = p.community_id
  LEFT JOIN members m ON m.id = p.leader_member_id`;

const toCommunity = (r: CommunityRow): AdminCommunity => ({
  id: r.id,
  name: r.name,
  city: r.city,
  pickupPointCount: r.pickup_point_count,
  createdAt: r.created_at.toISOString(),
});

const toPickupPoint = (r: PickupPointRow): AdminPickupPoint => ({
  id: r.id,
  community: { id: r.community_id, name: r.community_name, city: r.community_city },
  name: r.name,
  address: r.address,
  latitude: Number(r.latitude),
  longitude: Number(r.longitude),
  openingHours: r.opening_hours,
  leader: r.leader_member_id ? { id: r.leader_member_id, nickname: r.leader_nickname ?? '' } : null,
  createdAt: r.created_at.toISOString(),
});

const EDITABLE = ['name', 'address', 'latitude', 'longitude', 'openingHours'] as const;

/**
 * The operator's set-up of where goods go: communities and their pickup points. A new point
 * has no leader; it gets one only through an approved leader application.
 */
@Injectable()
export class PickupPointsAdminService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly audit: AuditService,
  ) {}

  async createCommunity(
    ctx: RequestContext,
    request: CreateCommunityRequest,
  ): Promise<AdminCommunity> {
    const [row] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO communities (name, city) VALUES ($1, $2) RETURNING id`,
      [request.name, request.city],
    );
    await this.audit.record(
      ctx,
      'community.create',
      { type: 'community', id: row.id },
      { ...request },
    );
    return this.community(ctx, row.id);
  }

  /** Newest first. */
  async communities(ctx: RequestContext, page: PageQuery): Promise<AdminCommunityPage> {
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<CommunityRow>(
      ctx,
      `${SELECT_COMMUNITY}
       WHERE ($1::timestamptz IS NULL OR (c.created_at, c.id) < ($1::timestamptz, $2::uuid))
       ORDER BY c.created_at DESC, c.id DESC LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: shown.map(toCommunity), nextCursor };
  }

  async createPickupPoint(
    ctx: RequestContext,
    request: CreatePickupPointRequest,
  ): Promise<AdminPickupPoint> {
    // Inserts nothing when the community does not exist, so that case is a 404, not a 500.
    const [row] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO pickup_points (community_id, name, address, latitude, longitude, opening_hours)
       SELECT c.id, $2, $3, $4, $5, $6 FROM communities c WHERE c.id = $1 RETURNING id`,
      [
        request.communityId,
        request.name,
        request.address,
        request.latitude,
        request.longitude,
        request.openingHours,
      ],
    );
    if (!row) throw AppException.notFound('Community', { communityId: request.communityId });
    await this.audit.record(
      ctx,
      'pickup-point.create',
      { type: 'pickup-point', id: row.id },
      { ...request },
    );
    return this.pickupPoint(ctx, row.id);
  }

  /** Corrects what shoppers read about a point; fields left out stay as they are. */
  async updatePickupPoint(
    ctx: RequestContext,
    pickupPointId: string,
    request: UpdatePickupPointRequest,
  ): Promise<AdminPickupPoint> {
    const given = fieldsToChange(request, EDITABLE);
    const [before] = await this.connection.query<PickupPointRow>(
      ctx,
      `${SELECT_PICKUP_POINT} WHERE p.id = $1 FOR UPDATE OF p`,
      [pickupPointId],
    );
    if (!before) throw AppException.notFound('Pickup point', { pickupPointId });
    await this.connection.query(
      ctx,
      `UPDATE pickup_points SET name = COALESCE($2, name), address = COALESCE($3, address),
         latitude = COALESCE($4, latitude), longitude = COALESCE($5, longitude),
         opening_hours = COALESCE($6, opening_hours)
       WHERE id = $1`,
      [
        pickupPointId,
        request.name ?? null,
        request.address ?? null,
        request.latitude ?? null,
        request.longitude ?? null,
        request.openingHours ?? null,
      ],
    );
    const previous = toPickupPoint(before);
    await this.audit.record(
      ctx,
      'pickup-point.update',
      { type: 'pickup-point', id: pickupPointId },
      fieldChanges(given, previous, request),
    );
    return this.pickupPoint(ctx, pickupPointId);
  }

  /** Newest first, optionally of one community (404 when it does not exist). */
  async pickupPoints(ctx: RequestContext, query: PickupPointQuery): Promise<AdminPickupPointPage> {
    const after = decodeCursor(query.cursor);
    if (query.communityId) await this.community(ctx, query.communityId);
    const rows = await this.connection.query<PickupPointRow>(
      ctx,
      `${SELECT_PICKUP_POINT}
       WHERE ($1::uuid IS NULL OR p.community_id = $1)
         AND ($2::timestamptz IS NULL OR (p.created_at, p.id) < ($2::timestamptz, $3::uuid))
       ORDER BY p.created_at DESC, p.id DESC LIMIT $4`,
      [query.communityId ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return { items: shown.map(toPickupPoint), nextCursor };
  }

  private async community(ctx: RequestContext, communityId: string): Promise<AdminCommunity> {
    const [row] = await this.connection.query<CommunityRow>(
      ctx,
      `${SELECT_COMMUNITY} WHERE c.id = $1`,
      [communityId],
    );
    if (!row) throw AppException.notFound('Community', { communityId });
    return toCommunity(row);
  }

  private async pickupPoint(ctx: RequestContext, pickupPointId: string): Promise<AdminPickupPoint> {
    const [row] = await this.connection.query<PickupPointRow>(
      ctx,
      `${SELECT_PICKUP_POINT} WHERE p.id = $1`,
      [pickupPointId],
    );
    if (!row) throw AppException.notFound('Pickup point', { pickupPointId });
    return toPickupPoint(row);
  }
}
