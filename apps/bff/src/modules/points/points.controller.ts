import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { PointsEntryPage, PointsEntryQuery, PointsWallet } from './dto/points-wallet.dto';
import { PointsWalletService } from './points-wallet.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/points')
@Roles('shopper')
export class PointsController {
  constructor(private readonly wallet: PointsWalletService) {}

  @Get()
  @ApiOkResponse({ type: PointsWallet })
  get(@Ctx() ctx: RequestContext): Promise<PointsWallet> {
    return this.wallet.wallet(ctx, ctx.memberId);
  }

  @Get('entries')
  @ApiOkResponse({ type: PointsEntryPage })
  entries(@Ctx() ctx: RequestContext, @Query() query: PointsEntryQuery): Promise<PointsEntryPage> {
    return this.wallet.entries(ctx, ctx.memberId, query);
  }
}
