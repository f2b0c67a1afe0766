import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { OrderListQuery } from '../group-buy/dto/order.dto';
import { PointsEntryPage, PointsEntryQuery } from '../points/dto/points-wallet.dto';
import {
  AdminMemberOrderPage,
  AdminMemberPage,
  AdminMemberView,
  MemberSearchQuery,
} from './dto/members-admin.dto';
import { MembersAdminService } from './members-admin.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/** Finding a member and reading their whole account, as an operator answering them does. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/members')
@Roles('admin')
export class MembersAdminController {
  constructor(private readonly members: MembersAdminService) {}

  @Get()
  @ApiOkResponse({ type: AdminMemberPage, description: 'Newest members first' })
  search(@Ctx() ctx: RequestContext, @Query() query: MemberSearchQuery): Promise<AdminMemberPage> {
    return this.members.search(ctx, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: AdminMemberView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such member' })
  view(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminMemberView> {
    return this.members.view(ctx, id);
  }

  @Get(':id/points/entries')
  @ApiOkResponse({ type: PointsEntryPage, description: 'Newest first' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such member' })
  pointEntries(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Query() query: PointsEntryQuery,
  ): Promise<PointsEntryPage> {
    return this.members.pointEntries(ctx, id, query);
  }

  @Get(':id/orders')
  @ApiOkResponse({ type: AdminMemberOrderPage, description: 'Newest first' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such member' })
  orders(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Query() query: OrderListQuery,
  ): Promise<AdminMemberOrderPage> {
    return this.members.orderPage(ctx, id, query);
  }
}
