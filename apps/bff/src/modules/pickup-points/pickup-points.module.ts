import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module';
import { PickupPointsController } from './pickup-points.controller';
import { PickupPointsService } from './pickup-points.service';

@Module({
  imports: [MembersModule],
  controllers: [PickupPointsController],
  providers: [PickupPointsService],
  exports: [PickupPointsService],
})
export class PickupPointsModule {}
