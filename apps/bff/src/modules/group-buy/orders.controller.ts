import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import { CheckoutService } from './checkout.service';
import { OrderPage, OrderRequest, OrderView, QuoteResponse } from './dto/order.dto';
import { OrdersService } from './orders.service';

@ApiTags('group-buy')
@ApiBearerAuth()
@Controller()
@Roles('shopper')
export class OrdersController {
  constructor(
    private readonly checkout: CheckoutService,
    private readonly orders: OrdersService,
  ) {}

  @Post('orders/quote')
  @HttpCode(200)
  @ApiOkResponse({ type: QuoteResponse })
  quote(@Ctx() ctx: RequestContext, @Body() body: OrderRequest): Promise<QuoteResponse> {
    return this.checkout.quote(ctx, ctx.memberId, body);
  }

  @Post('orders')
  @Idempotent({ required: true })
  @ApiCreatedResponse({ type: OrderView })
  @ApiConflictResponse({
    description: 'OUT_OF_STOCK, PURCHASE_LIMIT_EXCEEDED, CAMPAIGN_NOT_OPEN, POINTS_INSUFFICIENT',
  })
  create(@Ctx() ctx: RequestContext, @Body() body: OrderRequest): Promise<OrderView> {
    return this.orders.create(ctx, ctx.memberId, body);
  }

  @Get('me/orders')
  @ApiOkResponse({ type: OrderPage })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<OrderPage> {
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
