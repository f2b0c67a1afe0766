import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  AdminCampaign,
  AdminCampaignPage,
  AdminCampaignQuery,
  CreateCampaignRequest,
  CreateProductRequest,
  Product,
  ProductPage,
  PostponePickupRequest,
  ProductQuery,
  ShopperCampaign,
  ShopperCampaignList,
  SkuRequest,
  StockChangeRequest,
  UpdateCampaignRequest,
  UpdateProductRequest,
  UpdateSkuRequest,
} from './dto/catalogue.dto';
import { CampaignsService } from './campaigns.service';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
export class CatalogueAdminController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post('products')
  @Idempotent()
  @ApiCreatedResponse({ type: Product })
  createProduct(@Ctx() ctx: RequestContext, @Body() body: CreateProductRequest): Promise<Product> {
    return this.campaigns.createProduct(ctx, body);
  }

  @Patch('products/:id')
  @ApiOkResponse({ type: Product })
  updateProduct(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdateProductRequest,
  ): Promise<Product> {
    return this.campaigns.updateProduct(ctx, id, body);
  }

  @Post('products/:id/skus')
  @Idempotent()
  @ApiCreatedResponse({ type: Product })
  addSku(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: SkuRequest,
  ): Promise<Product> {
    return this.campaigns.addSku(ctx, id, body);
  }

  @Patch('skus/:id')
  @ApiOkResponse({ type: Product, description: 'The product the SKU belongs to' })
  updateSku(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdateSkuRequest,
  ): Promise<Product> {
    return this.campaigns.updateSku(ctx, id, body);
  }

  @Get('products')
  @ApiOkResponse({ type: ProductPage, description: 'Newest first' })
  products(@Ctx() ctx: RequestContext, @Query() query: ProductQuery): Promise<ProductPage> {
    return this.campaigns.products(ctx, query);
  }

  @Post('campaigns')
  @Idempotent()
  @ApiCreatedResponse({ type: AdminCampaign })
  createCampaign(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateCampaignRequest,
  ): Promise<AdminCampaign> {
    return this.campaigns.createCampaign(ctx, body);
  }

  @Get('campaigns')
  @ApiOkResponse({ type: AdminCampaignPage, description: 'The latest cut-off first' })
  listCampaigns(
    @Ctx() ctx: RequestContext,
    @Query() query: AdminCampaignQuery,
  ): Promise<AdminCampaignPage> {
    return this.campaigns.adminCampaigns(ctx, query);
  }

  @Get('campaigns/:id')
  @ApiOkResponse({ type: AdminCampaign })
  getCampaign(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminCampaign> {
    return this.campaigns.adminCampaign(ctx, id);
  }

  @Patch('campaigns/:id')
  @ApiOkResponse({ type: AdminCampaign })
  @ApiConflictResponse({
    description: 'CAMPAIGN_NOT_DRAFT: published campaigns are withdrawn first',
  })
  updateCampaign(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdateCampaignRequest,
  ): Promise<AdminCampaign> {
    return this.campaigns.updateCampaign(ctx, id, body);
  }

  @Post('campaigns/:id/stock')
  @HttpCode(200)
  @Idempotent({ required: true })
  @ApiOkResponse({ type: AdminCampaign })
  @ApiConflictResponse({
    description:
      'OUT_OF_STOCK: fewer units unsold than taken out; CAMPAIGN_NOT_OPEN: cut off or ended',
  })
  changeStock(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: StockChangeRequest,
  ): Promise<AdminCampaign> {
    return this.campaigns.changeStock(ctx, id, body);
  }

  /** A later pickup day, as when the supplier is late; buyers still waiting for goods are told. */
  @Post('campaigns/:id/pickup-date')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminCampaign })
  @ApiConflictResponse({
    description: 'CAMPAIGN_NOT_OPEN: a draft (changed with PATCH), or one closed or failed',
  })
  @ApiUnprocessableEntityResponse({ description: 'CAMPAIGN_INVALID: not a later day' })
  postponePickup(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: PostponePickupRequest,
  ): Promise<AdminCampaign> {
    return this.campaigns.postponePickup(ctx, id, body);
  }

  @Post('campaigns/:id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminCampaign })
  @ApiUnprocessableEntityResponse({
    description: 'CAMPAIGN_INVALID: a member-day draft with no member day left before its cut-off',
  })
  publish(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminCampaign> {
    return this.campaigns.publish(ctx, id);
  }

  /** Back to a draft, to be changed and published again: only before anyone has ordered. */
  @Post('campaigns/:id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminCampaign })
  @ApiConflictResponse({
    description:
      'CAMPAIGN_ORDERED: neighbours hold units of it; CAMPAIGN_NOT_OPEN: a draft, or cut off',
  })
  withdraw(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminCampaign> {
    return this.campaigns.withdraw(ctx, id);
  }
}

@ApiTags('group-buy')
@ApiBearerAuth()
@Controller('campaigns')
@Roles('shopper')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get()
  @ApiOkResponse({ type: ShopperCampaignList })
  list(@Ctx() ctx: RequestContext, @Query() page: PageQuery): Promise<ShopperCampaignList> {
    return this.campaigns.listForMember(ctx, ctx.memberId, page);
  }

  @Get(':id')
  @ApiOkResponse({ type: ShopperCampaign })
  get(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<ShopperCampaign> {
    return this.campaigns.getForMember(ctx, ctx.memberId, id);
  }
}
