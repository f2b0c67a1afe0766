import { Module } from '@nestjs/common';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { CheckInsController } from './check-ins.controller';
import { CheckInsService } from './check-ins.service';

/** What brings members back between orders (DESIGN.md section 8): daily check-in. */
@Module({
  imports: [PointsModule, TiersModule],
  controllers: [CheckInsController],
  providers: [CheckInsService],
})
export class EngagementModule {}
