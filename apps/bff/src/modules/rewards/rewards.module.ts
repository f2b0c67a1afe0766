import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { RewardsAdminController, RewardsController } from './rewards.controller';
import { RewardsService } from './rewards.service';

/** The rewards mall (积分商城): coupons for points. */
@Module({
  imports: [CouponsModule, PointsModule, TiersModule],
  controllers: [RewardsController, RewardsAdminController],
  providers: [RewardsService],
})
export class RewardsModule {}
