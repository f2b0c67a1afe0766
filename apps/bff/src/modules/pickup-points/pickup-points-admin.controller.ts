import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  AdminCommunity,
  AdminCommunityPage,
  AdminPickupPoint,
  AdminPickupPointPage,
  CreateCommunityRequest,
  CreatePickupPointRequest,
  PickupPointQuery,
  UpdatePickupPointRequest,
} from './dto/pickup-points-admin.dto';
import { PickupPointsAdminService } from './pickup-points-admin.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/** Communities and their pickup points, as the operator sets them up. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
export class PickupPointsAdminController {
  constructor(private readonly admin: PickupPointsAdminService) {}

  @Post('communities')
  @Idempotent()
  @ApiCreatedResponse({ type: AdminCommunity })
  createCommunity(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateCommunityRequest,
  ): Promise<AdminCommunity> {
    return this.admin.createCommunity(ctx, body);
  }

  @Get('communities')
  @ApiOkResponse({ type: AdminCommunityPage })
  communities(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<AdminCommunityPage> {
    return this.admin.communities(ctx, query);
  }

  @Post('pickup-points')
  @Idempotent()
  @ApiCreatedResponse({
    type: AdminPickupPoint,
    description: 'The new point has no leader until a leader application for it is approved',
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such community' })
  createPickupPoint(
    @Ctx() ctx: RequestContext,
    @Body() body: CreatePickupPointRequest,
  ): Promise<AdminPickupPoint> {
    return this.admin.createPickupPoint(ctx, body);
  }

  @Put('pickup-points/:id')
  @ApiOkResponse({ type: AdminPickupPoint })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such pickup point' })
  updatePickupPoint(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdatePickupPointRequest,
  ): Promise<AdminPickupPoint> {
    return this.admin.updatePickupPoint(ctx, id, body);
  }

  @Get('pickup-points')
  @ApiOkResponse({ type: AdminPickupPointPage })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such community' })
  pickupPoints(
    @Ctx() ctx: RequestContext,
    @Query() query: PickupPointQuery,
  ): Promise<AdminPickupPointPage> {
    return this.admin.pickupPoints(ctx, query);
  }
}
