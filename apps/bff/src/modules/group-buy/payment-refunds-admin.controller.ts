import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  PaymentRefundPage,
  PaymentRefundQuery,
  PaymentRefundView,
  SettleRefundRequest,
} from './dto/payment-refund.dto';
import { PaymentRefundsService } from './payment-refunds.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/**
 * Refunds as the payment provider sees them: ?status=abnormal (and closed) lists those that did
 * not reach the payer, ?status=stalled those the provider has given no outcome for in days.
 */
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

  /** The operator paid a refund that did not reach the payer out another way, and says how. */
  @Post('payment-refunds/:id/settle')
  @HttpCode(200)
  @Idempotent({ required: true })
  @ApiOkResponse({ type: PaymentRefundView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund' })
  @ApiConflictResponse({
    description:
      'REFUND_NOT_ALLOWED: only an abnormal or closed refund, or a requested one the provider refused the last time it was asked and nobody is sending, may be settled',
  })
  settle(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: SettleRefundRequest,
  ): Promise<PaymentRefundView> {
    return this.refunds.settleByOperator(ctx, id, body.note);
  }

  /** The provider is asked again, from the next send-refunds run, how a stalled refund ended. */
  @Post('payment-refunds/:id/look-up')
  @HttpCode(200)
  @ApiOkResponse({ type: PaymentRefundView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such refund' })
  @ApiConflictResponse({
    description: 'REFUND_NOT_ALLOWED: only a stalled refund is looked up again',
  })
  lookUp(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<PaymentRefundView> {
    return this.refunds.lookUpAgain(ctx, id);
  }
}
