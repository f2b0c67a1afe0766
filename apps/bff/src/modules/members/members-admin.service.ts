import { Injectable } from '@nestjs/common';
import type { MemberTier } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { containing } from '../../common/text-fields';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { OrderListQuery } from '../group-buy/dto/order.dto';
import { OrdersService, withoutPickupCode } from '../group-buy/orders.service';
import { PointsEntryPage, PointsEntryQuery } from '../points/dto/points-wallet.dto';
import { PointsWalletService } from '../points/points-wallet.service';
import { MemberTiersService } from '../tiers/member-tiers.service';
import {
  AdminMemberOrderPage,
  AdminMemberPage,
  AdminMemberView,
  MemberSearchQuery,
} from './dto/members-admin.dto';
import { MembersService } from './members.service';

interface SearchRow {
  id: string;
  nickname: string;
  tier: MemberTier;
  invite_code: string;
  created_at: Date;
  last_login_at: Date;
  cursor_at: string;
  pickup_point_id: string | null;
  pickup_point_name: string | null;
  points_available: number;
}

/** Members as the operator finds and reads them. */
@Injectable()
export class MembersAdminService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly clock: Clock,
    private readonly members: MembersService,
    private readonly tiers: MemberTiersService,
    private readonly wallet: PointsWalletService,
    private readonly orders: OrdersService,
  ) {}

  /** Newest members first, narrowed by what the operator knows of them. */
  async search(ctx: RequestContext, query: MemberSearchQuery): Promise<AdminMemberPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<SearchRow>(
      ctx,
      `SELECT m.id, m.nickname, m.tier, m.invite_code, m.created_at, m.last_login_at,
              m.created_at::text AS cursor_at, p.id AS pickup_point_id, p.name AS pickup_point_name,
              (SELECT COALESCE(SUM(l.remaining), 0)::int FROM point_lots l
               WHERE l.member_id = m.id AND l.state = 'available' AND l.remaining > 0 AND l.expires_at >= $1)
                AS points_available
       FROM members m LEFT JOIN pickup_points p ON p.id = m.pickup_point_id
       WHERE ($2::text IS NULL OR m.id::text = lower($2) OR upper(m.invite_code) = upper($2)
              OR m.nickname ILIKE $3)
         AND ($4::text IS NULL OR m.tier = $4)
         AND ($5::uuid IS NULL OR m.pickup_point_id = $5)
         AND ($6::timestamptz IS NULL OR (m.created_at, m.id) < ($6::timestamptz, $7::uuid))
       ORDER BY m.created_at DESC, m.id DESC
       LIMIT $8`,
      [
        this.clock.now(),
        query.q ?? null,
        query.q === undefined ? null : containing(query.q),
        query.tier ?? null,
        query.pickupPointId ?? null,
        after?.at ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        nickname: r.nickname,
        tier: r.tier,
        pickupPoint:
          r.pickup_point_id && r.pickup_point_name
            ? { id: r.pickup_point_id, name: r.pickup_point_name }
            : null,
        inviteCode: r.invite_code,
        pointsAvailable: r.points_available,
        memberSince: r.created_at.toISOString(),
        lastLoginAt: r.last_login_at.toISOString(),
      })),
      nextCursor,
    };
  }

  /** A member's points journal, newest first, as their wallet pages it; 404 for no such member. */
  async pointEntries(
    ctx: RequestContext,
    memberId: string,
    query: PointsEntryQuery,
  ): Promise<PointsEntryPage> {
    await this.mustExist(ctx, memberId);
    return this.wallet.entries(ctx, memberId, query);
  }

  /** A member's orders, newest first, without their pickup codes; 404 for no such member. */
  async orderPage(
    ctx: RequestContext,
    memberId: string,
    query: OrderListQuery,
  ): Promise<AdminMemberOrderPage> {
    await this.mustExist(ctx, memberId);
    const page = await this.orders.list(ctx, memberId, query);
    return { items: page.items.map(withoutPickupCode), nextCursor: page.nextCursor };
  }

  private async mustExist(ctx: RequestContext, memberId: string): Promise<void> {
    const [member] = await this.connection.query(ctx, `SELECT 1 FROM members WHERE id = $1`, [
      memberId,
    ]);
    if (!member) throw AppException.notFound('Member');
  }

  /** One member whole: profile, tier and its history, points, and latest orders. */
  async view(ctx: RequestContext, memberId: string): Promise<AdminMemberView> {
    const profile = await this.members.profile(ctx, memberId);
    const [account] = await this.connection.query<{
      last_login_at: Date;
      manual_tier: MemberTier | null;
      manual_tier_until: Date | null;
      invited_by_id: string | null;
      invited_by_nickname: string | null;
      order_count: number;
    }>(
      ctx,
      `SELECT m.last_login_at, m.manual_tier, m.manual_tier_until,
              inviter.id AS invited_by_id, inviter.nickname AS invited_by_nickname,
              (SELECT COUNT(*)::int FROM orders o WHERE o.member_id = m.id) AS order_count
       FROM members m LEFT JOIN members inviter ON inviter.id = m.invited_by_member_id
       WHERE m.id = $1`,
      [memberId],
    );
    const card = await this.tiers.card(ctx, memberId);
    const points = await this.wallet.wallet(ctx, memberId);
    const entries = await this.wallet.entries(ctx, memberId, { limit: 10 });
    const orders = await this.orders.list(ctx, memberId, { limit: 5 });
    const now = this.clock.now();
    return {
      ...profile,
      lastLoginAt: account.last_login_at.toISOString(),
      invitedBy:
        account.invited_by_id && account.invited_by_nickname
          ? { id: account.invited_by_id, nickname: account.invited_by_nickname }
          : null,
      growth: card.growth,
      nextTier: card.nextTier,
      growthToNext: card.growthToNext,
      tierReviewAt: card.tierReviewAt,
      manualTier:
        account.manual_tier && account.manual_tier_until && account.manual_tier_until > now
          ? { tier: account.manual_tier, until: account.manual_tier_until.toISOString() }
          : null,
      tierHistory: card.history,
      points,
      recentPointEntries: entries.items,
      orderCount: account.order_count,
      recentOrders: orders.items.map(withoutPickupCode),
    };
  }
}
