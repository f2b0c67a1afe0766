import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { ExpirePointsJob } from './expire-points.job';
import { ExpiringPointsNotices } from './expiring-points-notices.service';
import { NotifyExpiringPointsJob } from './notify-expiring-points.job';
import { PointsAdminController } from './points-admin.controller';
import { PointsAdminService } from './points-admin.service';
import { PointsController } from './points.controller';
import { PointsLedger } from './points-ledger.service';
import { PointsPolicyService } from './points-policy.service';
import { PointsReconciliationService } from './points-reconciliation.service';
import { PointsWalletService } from './points-wallet.service';
import { ReconcilePointsJob } from './reconcile-points.job';

@Module({
  imports: [NotificationsModule],
  controllers: [PointsController, PointsAdminController],
  providers: [
    PointsLedger,
    PointsPolicyService,
    PointsWalletService,
    PointsReconciliationService,
    PointsAdminService,
    ExpirePointsJob,
    ExpiringPointsNotices,
    NotifyExpiringPointsJob,
    ReconcilePointsJob,
  ],
  exports: [
    PointsLedger,
    PointsPolicyService,
    PointsWalletService,
    PointsReconciliationService,
    ExpirePointsJob,
    NotifyExpiringPointsJob,
    ReconcilePointsJob,
  ],
})
export class PointsModule {}
