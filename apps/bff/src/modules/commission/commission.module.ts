import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { CommissionLedger } from './commission-ledger.service';
import { SettleCommissionsJob } from './settle-commissions.job';

@Module({
  imports: [NotificationsModule],
  providers: [CommissionLedger, SettleCommissionsJob],
  exports: [CommissionLedger, SettleCommissionsJob],
})
export class CommissionModule {}
