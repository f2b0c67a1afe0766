import { Module } from '@nestjs/common';
import { CouponsAdminController, MemberCouponsController } from './coupons.controller';
import { CouponsService } from './coupons.service';

@Module({
  controllers: [MemberCouponsController, CouponsAdminController],
  providers: [CouponsService],
  exports: [CouponsService],
})
export class CouponsModule {}
