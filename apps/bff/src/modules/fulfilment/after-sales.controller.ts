import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { Ctx, RequestContext } from '../../common/request-context';
import { AfterSalesService } from './after-sales.service';
import { RefundRequestBody, RefundView } from './dto/after-sales.dto';

const uuid = new ParseUUIDPipe({ version: '4' });

/** A request as its shopper sees it: decided automatically or by an operator, not by whom. */
const asShopperSees = (view: RefundView): RefundView => ({
  ...view,
  decidedBy: view.decidedBy === null || view.decidedBy === 'auto' ? view.decidedBy : 'operator',
});

@ApiTags('group-buy')
@ApiBearerAuth()
@Controller('me/orders/:id/refunds')
@Roles('shopper')
export class AfterSalesController {
  constructor(private readonly afterSales: AfterSalesService) {}

  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: RefundView })
  @ApiConflictResponse({ description: 'REFUND_NOT_ALLOWED: not picked up, or the window closed' })
  request(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) orderId: string,
    @Body() body: RefundRequestBody,
  ): Promise<RefundView> {
    return this.afterSales.request(ctx, orderId, body).then(asShopperSees);
  }

  @Get()
  @ApiOkResponse({ type: RefundView, isArray: true })
  @ApiNotFoundResponse({ description: "NOT_FOUND: not the member's order" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) orderId: string,
  ): Promise<RefundView[]> {
    return (await this.afterSales.forOrder(ctx, orderId, ctx.memberId)).map(asShopperSees);
  }
}
