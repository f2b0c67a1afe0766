import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { AdminOrder, AdminOrderPage, CampaignPointSales, OrderListQuery } from './dto/order.dto';
import { OrdersService } from './orders.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/** Orders as operators look them up: one by its id, those of a campaign, its sales by point. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
export class OrdersAdminController {
  constructor(private readonly orders: OrdersService) {}

  @Get('orders/:id')
  @ApiOkResponse({ type: AdminOrder })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such order' })
  get(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminOrder> {
    return this.orders.getForOperator(ctx, id);
  }

  @Get('campaigns/:id/sales')
  @ApiOkResponse({
    type: CampaignPointSales,
    isArray: true,
    description: 'By pickup point, most units first',
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such campaign' })
  campaignSales(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
  ): Promise<CampaignPointSales[]> {
    return this.orders.salesByPickupPoint(ctx, id);
  }

  @Get('campaigns/:id/orders')
  @ApiOkResponse({ type: AdminOrderPage, description: 'Newest first' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such campaign' })
  campaignOrders(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Query() query: OrderListQuery,
  ): Promise<AdminOrderPage> {
    return this.orders.listForCampaign(ctx, id, query);
  }
}
