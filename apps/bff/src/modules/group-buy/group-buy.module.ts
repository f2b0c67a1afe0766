import { Module } from '@nestjs/common';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { CampaignsController, CatalogueAdminController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { CheckoutService } from './checkout.service';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [TiersModule, PointsModule],
  controllers: [CatalogueAdminController, CampaignsController, OrdersController],
  providers: [CampaignsService, CheckoutService, OrdersService],
  exports: [CampaignsService, CheckoutService, OrdersService],
})
export class GroupBuyModule {}
