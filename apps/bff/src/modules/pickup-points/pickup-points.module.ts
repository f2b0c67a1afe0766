import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module';
import { PickupPointsAdminController } from './pickup-points-admin.controller';
import { PickupPointsAdminService } from './pickup-points-admin.service';
import { PickupPointsController } from './pickup-points.controller';
import { PickupPointsService } from './pickup-points.service';

@Module({
  imports: [MembersModule],
  controllers: [PickupPointsController, PickupPointsAdminController],
  providers: [PickupPointsService, PickupPointsAdminService],
  exports: [PickupPointsService],
})
export class PickupPointsModule {}
