import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
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
import {
  CampaignReview,
  CampaignReviewPage,
  HideReviewRequest,
  ProductReviewPage,
  ReviewRequest,
  ReviewView,
} from './dto/review.dto';
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

@ApiTags('engagement')
@ApiBearerAuth()
@Controller('campaigns/:id/reviews')
@Roles('shopper')
export class ProductReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  /** 邻居评价: what neighbours said of the product this group-buy offers, in any group-buy of it. */
  @Get()
  @ApiOkResponse({ type: ProductReviewPage })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such campaign' })
  list(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) campaignId: string,
    @Query() query: PageQuery,
  ): Promise<ProductReviewPage> {
    return this.reviews.forProductOf(ctx, campaignId, query);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/reviews/:orderLineId')
@Roles('admin')
export class ReviewsAdminController {
  constructor(private readonly reviews: ReviewsService) {}

  /** Hides a review from neighbours, with the reason; audited. */
  @Post('hide')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignReview })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no review of that order line' })
  hide(
    @Ctx() ctx: RequestContext,
    @Param('orderLineId', new ParseUUIDPipe({ version: '4' })) orderLineId: string,
    @Body() body: HideReviewRequest,
  ): Promise<CampaignReview> {
    return this.reviews.setHidden(ctx, orderLineId, { reason: body.reason });
  }

  /** Shows a hidden review to neighbours again; audited. */
  @Post('show')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignReview })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no review of that order line' })
  show(
    @Ctx() ctx: RequestContext,
    @Param('orderLineId', new ParseUUIDPipe({ version: '4' })) orderLineId: string,
  ): Promise<CampaignReview> {
    return this.reviews.setHidden(ctx, orderLineId, null);
  }
}
