import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { CampaignsController, CatalogueAdminController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { CancelUnpaidOrdersJob } from './cancel-unpaid-orders.job';
import { CheckoutService } from './checkout.service';
import { OrderLifecycleService } from './order-lifecycle.service';
import { PaymentsController } from './payments.controller';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [TiersModule, PointsModule, PaymentsModule],
  controllers: [
    CatalogueAdminController,
    CampaignsController,
    OrdersController,
    PaymentsController,
  ],
  providers: [
    CampaignsService,
    CheckoutService,
    OrdersService,
    OrderLifecycleService,
    CancelUnpaidOrdersJob,
  ],
  exports: [
    CampaignsService,
    CheckoutService,
    OrdersService,
    OrderLifecycleService,
    CancelUnpaidOrdersJob,
  ],
})
export class GroupBuyModule {}
