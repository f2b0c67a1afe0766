import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { TiersModule } from '../tiers/tiers.module';
import {
  CouponsAdminController,
  MemberCouponsController,
  TierMonthlyCouponsAdminController,
} from './coupons.controller';
import { CouponsService } from './coupons.service';
import { GiveMonthlyCouponsJob } from './give-monthly-coupons.job';
import { TierMonthlyCouponsService } from './tier-monthly-coupons.service';

@Module({
  imports: [TiersModule, NotificationsModule],
  controllers: [MemberCouponsController, CouponsAdminController, TierMonthlyCouponsAdminController],
  providers: [CouponsService, TierMonthlyCouponsService, GiveMonthlyCouponsJob],
  exports: [CouponsService, GiveMonthlyCouponsJob],
})
export class CouponsModule {}
