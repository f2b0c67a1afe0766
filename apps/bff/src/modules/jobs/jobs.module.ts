import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { RefreshInsightJob } from '../analytics/refresh-insight.job';
import { CouponsModule } from '../coupons/coupons.module';
import { GiveMonthlyCouponsJob } from '../coupons/give-monthly-coupons.job';
import { CommissionModule } from '../commission/commission.module';
import { SettleCommissionsJob } from '../commission/settle-commissions.job';
import { CompleteOrdersJob } from '../fulfilment/complete-orders.job';
import { CutOffCampaignsJob } from '../fulfilment/cut-off-campaigns.job';
import { FulfilmentModule } from '../fulfilment/fulfilment.module';
import { CancelUnpaidOrdersJob } from '../group-buy/cancel-unpaid-orders.job';
import { GroupBuyModule } from '../group-buy/group-buy.module';
import { SendRefundsJob } from '../group-buy/send-refunds.job';
import { EngagementModule } from '../engagement/engagement.module';
import { GiveBirthdayGiftsJob } from '../engagement/give-birthday-gifts.job';
import { DispatchNotificationsJob } from '../notifications/dispatch-notifications.job';
import { NotificationsModule } from '../notifications/notifications.module';
import { ExpirePointsJob } from '../points/expire-points.job';
import { NotifyExpiringPointsJob } from '../points/notify-expiring-points.job';
import { PointsModule } from '../points/points.module';
import { ReconcilePointsJob } from '../points/reconcile-points.job';
import { RetainTiersJob } from '../tiers/retain-tiers.job';
import { TiersModule } from '../tiers/tiers.module';
import { UpgradeTiersJob } from '../tiers/upgrade-tiers.job';
import {
  PurgeIdempotencyKeysJob,
  PurgeJobRunsJob,
  PurgeRefreshTokensJob,
} from './housekeeping.jobs';
import { JOBS } from './job';
import { JobRunner } from './job-runner.service';
import { JobRunsService } from './job-runs.service';
import { JobScheduler } from './job-scheduler.service';
import { JobsController } from './jobs.controller';

const HOUSEKEEPING_JOBS = [PurgeIdempotencyKeysJob, PurgeRefreshTokensJob, PurgeJobRunsJob];
/** Every scheduled job; business modules export theirs. */
const JOB_CLASSES = [
  ExpirePointsJob,
  NotifyExpiringPointsJob,
  ReconcilePointsJob,
  RetainTiersJob,
  UpgradeTiersJob,
  CancelUnpaidOrdersJob,
  SendRefundsJob,
  CutOffCampaignsJob,
  CompleteOrdersJob,
  SettleCommissionsJob,
  DispatchNotificationsJob,
  GiveBirthdayGiftsJob,
  GiveMonthlyCouponsJob,
  RefreshInsightJob,
  ...HOUSEKEEPING_JOBS,
];

@Module({
  imports: [
    PointsModule,
    TiersModule,
    GroupBuyModule,
    FulfilmentModule,
    CommissionModule,
    NotificationsModule,
    EngagementModule,
    AnalyticsModule,
    CouponsModule,
  ],
  controllers: [JobsController],
  providers: [
    ...HOUSEKEEPING_JOBS,
    { provide: JOBS, useFactory: (...jobs) => jobs, inject: JOB_CLASSES },
    JobRunner,
    JobRunsService,
    JobScheduler,
  ],
  exports: [JobRunner],
})
export class JobsModule {}
