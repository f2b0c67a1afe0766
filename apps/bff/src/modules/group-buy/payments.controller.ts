import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Inject } from '@nestjs/common';
import { Public } from '../../common/auth/auth.decorators';
import { AppException } from '../../common/errors/app-exception';
import { Ctx, RequestContext } from '../../common/request-context';
import { PAYMENT_PROVIDER, PaymentProvider } from '../payments/payment-provider';
import { invalidNotification } from '../payments/sandbox-payment.provider';
import { OrderLifecycleService } from './order-lifecycle.service';
import { ProviderRefunds } from './provider-refunds.service';

export class NotificationAck {
  @ApiProperty({ example: 'SUCCESS' }) code!: 'SUCCESS';
}

/** Where payment providers confirm payments and refunds. Public: the signature is the authentication. */
@ApiTags('payments')
@Controller('payments')
@Public()
export class PaymentsController {
  constructor(
    private readonly lifecycle: OrderLifecycleService,
    private readonly refunds: ProviderRefunds,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
  ) {}

  @Post('notify/:provider')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationAck })
  async notify(
    @Ctx() ctx: RequestContext,
    @Param('provider') provider: string,
    @Req() req: Request,
  ): Promise<NotificationAck> {
    const raw = this.signedBody(provider, req);
    await this.lifecycle.recordPayment(ctx, this.provider.verify(req.headers, raw));
    return { code: 'SUCCESS' };
  }

  /** How a refund ended: WeChat Pay settles refunds after answering the request. */
  @Post('refund-notify/:provider')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationAck })
  async refundNotify(
    @Ctx() ctx: RequestContext,
    @Param('provider') provider: string,
    @Req() req: Request,
  ): Promise<NotificationAck> {
    const raw = this.signedBody(provider, req);
    await this.refunds.recordOutcome(ctx, this.provider.verifyRefund(req.headers, raw));
    return { code: 'SUCCESS' };
  }

  /** The exact bytes the provider signed, for a notification addressed to this BFF's provider. */
  private signedBody(provider: string, req: Request): Buffer {
    if (provider !== this.provider.name)
      throw AppException.notFound('Payment provider', { provider });
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    if (!raw) throw invalidNotification('empty body');
    return raw;
  }
}
