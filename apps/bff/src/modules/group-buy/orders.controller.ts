import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent, IdempotencyKeys } from '../../common/idempotency/idempotency.interceptor';
import { Ctx, RequestContext } from '../../common/request-context';
import { NoTransaction } from '../../common/transaction/transaction.interceptor';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { CheckoutService } from './checkout.service';
import { OrderLifecycleService } from './order-lifecycle.service';
import {
  OrderListQuery,
  OrderPage,
  OrderRequest,
  OrderView,
  PlaceOrderRequest,
  PaymentStartResponse,
  QuoteResponse,
} from './dto/order.dto';
import { OrdersService } from './orders.service';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('group-buy')
@ApiBearerAuth()
@Controller()
@Roles('shopper')
export class OrdersController {
  constructor(
    private readonly checkout: CheckoutService,
    private readonly orders: OrdersService,
    private readonly lifecycle: OrderLifecycleService,
    private readonly connection: TransactionalConnection,
    private readonly keys: IdempotencyKeys,
  ) {}

  @Post('orders/quote')
  @HttpCode(200)
  @ApiOkResponse({ type: QuoteResponse })
  @ApiConflictResponse({
    description:
      'PURCHASE_LIMIT_EXCEEDED (counting what the member already ordered), CAMPAIGN_NOT_OPEN',
  })
  quote(@Ctx() ctx: RequestContext, @Body() body: OrderRequest): Promise<QuoteResponse> {
    return this.checkout.quote(ctx, ctx.memberId, body);
  }

  @Post('orders')
  @Idempotent()
  @ApiCreatedResponse({ type: OrderView })
  @ApiConflictResponse({
    description:
      'OUT_OF_STOCK, PURCHASE_LIMIT_EXCEEDED, CAMPAIGN_NOT_OPEN, POINTS_INSUFFICIENT, PRICE_CHANGED (expectedPayable is not what the order comes to)',
  })
  create(@Ctx() ctx: RequestContext, @Body() body: PlaceOrderRequest): Promise<OrderView> {
    return this.orders.create(ctx, ctx.memberId, body);
  }

  /** Starts payment. It holds no transaction: the sandbox confirms through the notify endpoint meanwhile. */
  @Post('orders/:id/pay')
  @HttpCode(200)
  @NoTransaction()
  @ApiOkResponse({ type: PaymentStartResponse })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no order of the member has this id' })
  @ApiConflictResponse({
    description:
      'ORDER_STATE_INVALID: not awaiting payment, its time to pay is over, or WeChat Pay has closed it',
  })
  @ApiBadGatewayResponse({
    description:
      'WECHAT_UNAVAILABLE: WeChat Pay gave no prepay order; the same request may succeed',
  })
  async pay(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
  ): Promise<PaymentStartResponse> {
    const start = await this.lifecycle.startPayment(ctx, ctx.memberId, id);
    return { ...start, order: await this.orders.get(ctx, ctx.memberId, id) };
  }

  /**
   * A retry with the same Idempotency-Key (after a lost answer) gets the first answer again. The
   * payment provider is asked about an order awaiting payment before the transaction opens, so
   * that no database connection waits on its answer.
   */
  @Post('orders/:id/cancel')
  @HttpCode(200)
  @NoTransaction()
  @Idempotent({ ownTransaction: true })
  @ApiOkResponse({ type: OrderView })
  async cancel(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<OrderView> {
    const earlier = await this.keys.answeredBefore<OrderView>(ctx);
    if (earlier) return earlier.answer;
    const atProvider = await this.lifecycle.beforeCancel(ctx, ctx.memberId, id);
    return this.connection.withTransaction(ctx, () =>
      this.keys.once(ctx, async () => {
        await this.lifecycle.cancel(ctx, ctx.memberId, id, atProvider);
        return this.orders.get(ctx, ctx.memberId, id);
      }),
    );
  }

  @Get('me/orders')
  @ApiOkResponse({ type: OrderPage })
  list(@Ctx() ctx: RequestContext, @Query() query: OrderListQuery): Promise<OrderPage> {
    return this.orders.list(ctx, ctx.memberId, query);
  }

  @Get('me/orders/:id')
  @ApiOkResponse({ type: OrderView })
  get(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
  ): Promise<OrderView> {
    return this.orders.get(ctx, ctx.memberId, id);
  }
}
