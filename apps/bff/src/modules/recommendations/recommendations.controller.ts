import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { RecommendationList, RecommendationQuery } from './dto/recommendation.dto';
import { RecommendationsService } from './recommendations.service';

@ApiTags('group-buy')
@ApiBearerAuth()
@Controller('me/recommendations')
@Roles('shopper')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  /**
   * 猜你喜欢: live group-buys at the member's pickup point that neighbours who bought what they
   * bought also bought, that they bought before, or that neighbours buy most; best first, each
   * with why. Group-buys they have already ordered are left out.
   */
  @Get()
  @ApiOkResponse({ type: RecommendationList })
  @ApiConflictResponse({ description: 'PICKUP_POINT_REQUIRED: no pickup point chosen yet' })
  list(
    @Ctx() ctx: RequestContext,
    @Query() query: RecommendationQuery,
  ): Promise<RecommendationList> {
    return this.recommendations.forMember(ctx, ctx.memberId, query.limit);
  }
}
