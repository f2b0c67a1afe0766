import { Injectable } from '@nestjs/common';
import { businessDay, startOfBusinessDay } from '@linli/domain';
import { Clock } from '../../common/clock';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { DeliveriesService } from './deliveries.service';
import { LeaderDashboard } from './dto/fulfilment.dto';

/** The leader's day at a glance. */
@Injectable()
export class LeaderDashboardService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly deliveries: DeliveriesService,
    private readonly commission: CommissionLedger,
    private readonly clock: Clock,
  ) {}

  async get(ctx: RequestContext, pickupPointId: string): Promise<LeaderDashboard> {
    const now = this.clock.now();
    const [counts] = await this.connection.query<{
      name: string;
      ready: number;
      picked_up_today: number;
      live: number;
      delivering: number;
      rewards_arriving: number;
      rewards_ready: number;
    }>(
      ctx,
      `SELECT p.name,
         (SELECT COUNT(*)::int FROM orders WHERE pickup_point_id = $1 AND state = 'ready_for_pickup') AS ready,
         (SELECT COUNT(*)::int FROM orders WHERE pickup_point_id = $1 AND picked_up_at >= $2) AS picked_up_today,
         (SELECT COUNT(*)::int FROM campaigns c WHERE c.status = 'published' AND c.starts_at <= $3
            AND c.cuts_off_at > $3 AND (c.pickup_point_ids IS NULL OR $1 = ANY(c.pickup_point_ids))) AS live,
         (SELECT COUNT(DISTINCT b.campaign_id)::int FROM delivery_batches b
            WHERE b.pickup_point_id = $1 AND b.state <> 'received') AS delivering,
         (SELECT COUNT(*)::int FROM redemptions
            WHERE pickup_point_id = $1 AND pickup_state = 'awaiting_delivery') AS rewards_arriving,
         (SELECT COUNT(*)::int FROM redemptions
            WHERE pickup_point_id = $1 AND pickup_state = 'ready_for_pickup') AS rewards_ready
       FROM pickup_points p WHERE p.id = $1`,
      [pickupPointId, startOfBusinessDay(businessDay(now)), now],
    );
    const openBatches = await this.deliveries.open(ctx, pickupPointId);
    return {
      pickupPointId,
      pickupPointName: counts.name,
      readyForPickup: counts.ready,
      pickedUpToday: counts.picked_up_today,
      openBatches,
      liveCampaigns: counts.live,
      deliveringCampaigns: counts.delivering,
      rewardsArriving: counts.rewards_arriving,
      rewardsReady: counts.rewards_ready,
      commission: await this.commission.totals(ctx, pickupPointId),
    };
  }
}
