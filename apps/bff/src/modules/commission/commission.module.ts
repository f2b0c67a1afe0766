import { Module } from '@nestjs/common';
import { CommissionLedger } from './commission-ledger.service';

@Module({ providers: [CommissionLedger], exports: [CommissionLedger] })
export class CommissionModule {}
