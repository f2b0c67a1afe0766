import { Module } from '@nestjs/common';
import { CommissionLedger } from './commission-ledger.service';
import { SettleCommissionsJob } from './settle-commissions.job';

@Module({
  providers: [CommissionLedger, SettleCommissionsJob],
  exports: [CommissionLedger, SettleCommissionsJob],
})
export class CommissionModule {}
