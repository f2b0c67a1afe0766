import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { CommissionModule } from '../commission/commission.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PaymentsModule } from '../payments/payments.module';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { CampaignsController, CatalogueAdminController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { CancelUnpaidOrdersJob } from './cancel-unpaid-orders.job';
import { CheckoutService } from './checkout.service';
import { OrderLifecycleService } from './order-lifecycle.service';
import { PaymentRefundsAdminController } from './payment-refunds-admin.controller';
import { PaymentRefundsService } from './payment-refunds.service';
import { PaymentsController } from './payments.controller';
import { ProviderRefunds } from './provider-refunds.service';
import { OrdersAdminController } from './orders-admin.controller';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { OrderTransitions } from './order-transitions.service';
import { SendRefundsJob } from './send-refunds.job';

@Module({
  imports: [
    TiersModule,
    PointsModule,
    PaymentsModule,
    CommissionModule,
    NotificationsModule,
    CouponsModule,
  ],
  controllers: [
    CatalogueAdminController,
    CampaignsController,
    OrdersController,
    OrdersAdminController,
    PaymentsController,
    PaymentRefundsAdminController,
  ],
  providers: [
    CampaignsService,
    CheckoutService,
    OrdersService,
    OrderLifecycleService,
    OrderTransitions,
    CancelUnpaidOrdersJob,
    PaymentRefundsService,
    ProviderRefunds,
    SendRefundsJob,
  ],
  exports: [
    CampaignsService,
    CheckoutService,
    OrdersService,
    OrderLifecycleService,
    OrderTransitions,
    CancelUnpaidOrdersJob,
    SendRefundsJob,
  ],
})
export class GroupBuyModule {}
