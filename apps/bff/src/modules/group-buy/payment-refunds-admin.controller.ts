import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { PaymentRefundPage, PaymentRefundQuery } from './dto/payment-refund.dto';
import { PaymentRefundsService } from './payment-refunds.service';

/** Refunds as the payment provider sees them: ?status=abnormal lists those an operator must take up. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
export class PaymentRefundsAdminController {
  constructor(private readonly refunds: PaymentRefundsService) {}

  @Get('payment-refunds')
  @ApiOkResponse({ type: PaymentRefundPage })
  list(@Ctx() ctx: RequestContext, @Query() query: PaymentRefundQuery): Promise<PaymentRefundPage> {
    return this.refunds.list(ctx, query);
  }
}
