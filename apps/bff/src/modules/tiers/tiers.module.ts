import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointsModule } from '../points/points.module';
import { MemberCodeService } from './member-code.service';
import { MemberTiersService } from './member-tiers.service';
import { RetainTiersJob } from './retain-tiers.job';
import { TierRulesService } from './tier-rules.service';
import { UpgradeTiersJob } from './upgrade-tiers.job';
import { MemberBenefitsService } from './member-benefits.service';
import {
  MemberCardController,
  MemberTierAdminController,
  TierRulesController,
} from './tiers.controller';

@Module({
  imports: [PointsModule, NotificationsModule],
  controllers: [TierRulesController, MemberCardController, MemberTierAdminController],
  providers: [
    TierRulesService,
    MemberTiersService,
    MemberCodeService,
    MemberBenefitsService,
    RetainTiersJob,
    UpgradeTiersJob,
  ],
  exports: [
    TierRulesService,
    MemberTiersService,
    MemberCodeService,
    MemberBenefitsService,
    RetainTiersJob,
    UpgradeTiersJob,
  ],
})
export class TiersModule {}
