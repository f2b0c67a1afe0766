import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app-exception';
import { decodeRankCursor, pageOf } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { NearbyPickupPointPage, NearbyQuery } from './dto/pickup-point.dto';

@Injectable()
export class PickupPointsService {
  constructor(private readonly connection: TransactionalConnection) {}

  /**
   * The pickup points closest to a place, nearest first (great-circle distance). Only points
   * with an approved leader, as at one without nobody would hand the goods out; or, `vacant`,
   * only those without one, for members applying to run a point.
   */
  async nearby(ctx: RequestContext, query: NearbyQuery): Promise<NearbyPickupPointPage> {
    const after = decodeRankCursor(query.cursor);
    const rows = await this.connection.query<{
      id: string;
      name: string;
      address: string;
      community_name: string;
      opening_hours: string;
      latitude: string;
      longitude: string;
      distance: number;
    }>(
      ctx,
      `SELECT * FROM (
         SELECT p.id, p.name, p.address, c.name AS community_name, p.opening_hours, p.latitude, p.longitude,
                round(2 * 6371000 * asin(sqrt(
                  power(sin(radians(p.latitude - $1) / 2), 2) +
                  cos(radians($1)) * cos(radians(p.latitude)) * power(sin(radians(p.longitude - $2) / 2), 2))))::int AS distance
         FROM pickup_points p JOIN communities c ON c.id = p.community_id
         WHERE (p.leader_member_id IS NULL) = $4) nearby
       WHERE $5::int IS NULL OR (distance, id) > ($5, $6::uuid)
       ORDER BY distance, id LIMIT $3`,
      [
        query.lat,
        query.lng,
        query.limit + 1,
        query.vacant ?? false,
        after?.rank ?? null,
        after?.id ?? null,
      ],
    );
    const { shown, nextCursor } = pageOf(rows, query.limit, (row) => ({
      rank: row.distance,
      id: row.id,
    }));
    return {
      items: shown.map((r) => ({
        id: r.id,
        name: r.name,
        address: r.address,
        communityName: r.community_name,
        openingHours: r.opening_hours,
        latitude: Number(r.latitude),
        longitude: Number(r.longitude),
        distanceMeters: r.distance,
      })),
      nextCursor,
    };
  }

  /**
   * Binds the member to one pickup point; they may move to another at any time. A point
   * without a leader answers as one that does not exist, as it is not listed either.
   */
  async bind(ctx: RequestContext, memberId: string, pickupPointId: string): Promise<void> {
    const bound = await this.connection.query(
      ctx,
      `UPDATE members SET pickup_point_id = p.id FROM pickup_points p
       WHERE members.id = $1 AND p.id = $2 AND p.leader_member_id IS NOT NULL RETURNING members.id`,
      [memberId, pickupPointId],
    );
    if (bound.length === 0) throw AppException.notFound('Pickup point', { pickupPointId });
  }
}
