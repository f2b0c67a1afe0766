import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  AdminCampaign,
  CreateCampaignRequest,
  CreateProductRequest,
  Product,
  ShopperCampaign,
  ShopperCampaignList,
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
  @ApiOkResponse({ type: Product })
  createProduct(@Ctx() ctx: RequestContext, @Body() body: CreateProductRequest): Promise<Product> {
    return this.campaigns.createProduct(ctx, body);
  }

  @Post('campaigns')
  @ApiOkResponse({ type: AdminCampaign })
  createCampaign(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateCampaignRequest,
  ): Promise<AdminCampaign> {
    return this.campaigns.createCampaign(ctx, body);
  }

  @Get('campaigns/:id')
  @ApiOkResponse({ type: AdminCampaign })
  getCampaign(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminCampaign> {
    return this.campaigns.adminCampaign(ctx, id);
  }

  @Post('campaigns/:id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminCampaign })
  publish(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<AdminCampaign> {
    return this.campaigns.publish(ctx, id);
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
