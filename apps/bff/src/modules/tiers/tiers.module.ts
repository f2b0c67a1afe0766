import { Module } from '@nestjs/common';
import { PointsModule } from '../points/points.module';
import { MemberCodeService } from './member-code.service';
import { MemberTiersService } from './member-tiers.service';
import { TierRulesService } from './tier-rules.service';
import { MemberCardController, TierRulesController } from './tiers.controller';

@Module({
  imports: [PointsModule],
  controllers: [TierRulesController, MemberCardController],
  providers: [TierRulesService, MemberTiersService, MemberCodeService],
  exports: [TierRulesService, MemberTiersService, MemberCodeService],
})
export class TiersModule {}
