import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
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
import { PageQuery } from '../../common/pagination';
import { CampaignReviewPage, ReviewRequest, ReviewView } from './dto/review.dto';
import { ReviewsService } from './reviews.service';

@ApiTags('engagement')
@ApiBearerAuth()
@Controller('me/orders/:id/reviews')
@Roles('shopper')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  /** 评价: a line of an order picked up, once; it earns points and growth. */
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: ReviewView })
  @ApiNotFoundResponse({ description: "NOT_FOUND: not the member's order, or not its line" })
  @ApiConflictResponse({
    description:
      'REVIEW_ALREADY_WRITTEN: the line is reviewed; ORDER_STATE_INVALID: not picked up, or refunded whole',
  })
  review(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) orderId: string,
    @Body() body: ReviewRequest,
  ): Promise<ReviewView> {
    return this.reviews.review(ctx, ctx.memberId, orderId, body);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/campaigns/:id/reviews')
@Roles('admin')
export class CampaignReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  /** What neighbours said of a group-buy, for operators choosing what to offer again. */
  @Get()
  @ApiOkResponse({ type: CampaignReviewPage })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such campaign' })
  list(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) campaignId: string,
    @Query() query: PageQuery,
  ): Promise<CampaignReviewPage> {
    return this.reviews.forCampaign(ctx, campaignId, query);
  }
}
