import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { MeResponse } from '../members/dto/me.dto';
import { MembersService } from '../members/members.service';
import { BindPickupPointRequest, NearbyPickupPointPage, NearbyQuery } from './dto/pickup-point.dto';
import { PickupPointsService } from './pickup-points.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller()
@Roles('shopper')
export class PickupPointsController {
  constructor(
    private readonly pickupPoints: PickupPointsService,
    private readonly members: MembersService,
  ) {}

  @Get('pickup-points')
  @ApiOkResponse({
    type: NearbyPickupPointPage,
    description:
      'Pickup points run by an approved leader, nearest first; with vacant=true, those still without a leader',
  })
  nearby(@Ctx() ctx: RequestContext, @Query() query: NearbyQuery): Promise<NearbyPickupPointPage> {
    return this.pickupPoints.nearby(ctx, query);
  }

  @Put('me/pickup-point')
  @ApiOkResponse({ type: MeResponse })
  @ApiNotFoundResponse({
    description: 'NOT_FOUND: no such pickup point, or one no leader runs yet',
  })
  async bind(
    @Ctx() ctx: RequestContext,
    @Body() body: BindPickupPointRequest,
  ): Promise<MeResponse> {
    await this.pickupPoints.bind(ctx, ctx.memberId, body.pickupPointId);
    return this.members.profile(ctx, ctx.memberId);
  }
}
