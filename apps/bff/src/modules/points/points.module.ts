import { Module } from '@nestjs/common';
import { ExpirePointsJob } from './expire-points.job';
import { PointsAdminController } from './points-admin.controller';
import { PointsAdminService } from './points-admin.service';
import { PointsController } from './points.controller';
import { PointsLedger } from './points-ledger.service';
import { PointsPolicyService } from './points-policy.service';
import { PointsReconciliationService } from './points-reconciliation.service';
import { PointsWalletService } from './points-wallet.service';

@Module({
  controllers: [PointsController, PointsAdminController],
  providers: [
    PointsLedger,
    PointsPolicyService,
    PointsWalletService,
    PointsReconciliationService,
    PointsAdminService,
    ExpirePointsJob,
  ],
  exports: [
    PointsLedger,
    PointsPolicyService,
    PointsWalletService,
    PointsReconciliationService,
    ExpirePointsJob,
  ],
})
export class PointsModule {}
