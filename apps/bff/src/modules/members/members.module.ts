import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GroupBuyModule } from '../group-buy/group-buy.module';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { MembersAdminController } from './members-admin.controller';
import { MembersAdminService } from './members-admin.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  imports: [AuthModule, TiersModule, PointsModule, GroupBuyModule],
  controllers: [MembersController, MembersAdminController],
  providers: [MembersService, MembersAdminService],
  exports: [MembersService],
})
export class MembersModule {}
