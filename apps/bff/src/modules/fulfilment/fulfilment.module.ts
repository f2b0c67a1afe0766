import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { EngagementModule } from '../engagement/engagement.module';
import { CommissionModule } from '../commission/commission.module';
import { GroupBuyModule } from '../group-buy/group-buy.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointsModule } from '../points/points.module';
import { RewardsModule } from '../rewards/rewards.module';
import { TiersModule } from '../tiers/tiers.module';
import { AfterSalesController } from './after-sales.controller';
import { AfterSalesService } from './after-sales.service';
import { CompleteOrdersJob } from './complete-orders.job';
import { CutOffCampaignsJob } from './cut-off-campaigns.job';
import { CutOffService } from './cut-off.service';
import { DeliveriesService } from './deliveries.service';
import { FulfilmentAdminController } from './fulfilment-admin.controller';
import { LeaderDashboardService } from './leader-dashboard.service';
import { LeaderController } from './leader.controller';
import { LeadersService } from './leaders.service';
import { OrderCompletionService } from './order-completion.service';
import { OrderRefundsService } from './order-refunds.service';
import { PickupAttemptsService } from './pickup-attempts.service';
import { PickupsService } from './pickups.service';

/** After the order: cut-off, delivery, pickup, after-sales, completion, the leader's back office. */
@Module({
  imports: [
    GroupBuyModule,
    PointsModule,
    TiersModule,
    CommissionModule,
    NotificationsModule,
    EngagementModule,
    CouponsModule,
    RewardsModule,
  ],
  controllers: [LeaderController, FulfilmentAdminController, AfterSalesController],
  providers: [
    LeadersService,
    LeaderDashboardService,
    CutOffService,
    DeliveriesService,
    PickupsService,
    PickupAttemptsService,
    AfterSalesService,
    OrderRefundsService,
    OrderCompletionService,
    CutOffCampaignsJob,
    CompleteOrdersJob,
  ],
  exports: [CutOffCampaignsJob, CompleteOrdersJob],
})
export class FulfilmentModule {}
