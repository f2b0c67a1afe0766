import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import {
  RedemptionsAdminController,
  RewardsAdminController,
  RewardsController,
} from './rewards.controller';
import { RewardPickupsService } from './reward-pickups.service';
import { RewardsService } from './rewards.service';

/** The rewards mall (积分商城): coupons or goods for points; goods are collected at pickup points. */
@Module({
  imports: [CouponsModule, PointsModule, TiersModule, NotificationsModule],
  controllers: [RewardsController, RewardsAdminController, RedemptionsAdminController],
  providers: [RewardsService, RewardPickupsService],
  exports: [RewardPickupsService],
})
export class RewardsModule {}
