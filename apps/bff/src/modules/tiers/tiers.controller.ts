import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { MemberCard } from './dto/member-card.dto';
import {
  CreateTierRulesRequest,
  TierRulesRequest,
  TierRulesVersion,
  TierSimulation,
} from './dto/tier-rules.dto';
import { MemberTiersService } from './member-tiers.service';
import { TierRulesService } from './tier-rules.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/tier-rules')
@Roles('admin')
export class TierRulesController {
  constructor(private readonly rules: TierRulesService) {}

  @Get()
  @ApiOkResponse({ type: TierRulesVersion, isArray: true })
  list(@Ctx() ctx: RequestContext): Promise<TierRulesVersion[]> {
    return this.rules.list(ctx);
  }

  @Get(':version')
  @ApiOkResponse({ type: TierRulesVersion })
  get(
    @Ctx() ctx: RequestContext,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<TierRulesVersion> {
    return this.rules.get(ctx, version);
  }

  /** A new draft from the given tiers, or a copy of the rules in force when the body has none. */
  @Post()
  @ApiOkResponse({ type: TierRulesVersion })
  create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateTierRulesRequest,
  ): Promise<TierRulesVersion> {
    return this.rules.createDraft(ctx, body.tiers);
  }

  @Put(':version')
  @ApiOkResponse({ type: TierRulesVersion })
  @ApiConflictResponse({ description: 'TIER_RULES_PUBLISHED' })
  update(
    @Ctx() ctx: RequestContext,
    @Param('version', ParseIntPipe) version: number,
    @Body() body: TierRulesRequest,
  ): Promise<TierRulesVersion> {
    return this.rules.updateDraft(ctx, version, body.tiers);
  }

  @Post(':version/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: TierRulesVersion })
  @ApiUnprocessableEntityResponse({ description: 'TIER_RULES_INVALID' })
  publish(
    @Ctx() ctx: RequestContext,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<TierRulesVersion> {
    return this.rules.publish(ctx, version);
  }

  @Post(':version/simulate')
  @HttpCode(200)
  @ApiOkResponse({ type: TierSimulation })
  simulate(
    @Ctx() ctx: RequestContext,
    @Param('version', ParseIntPipe) version: number,
  ): Promise<TierSimulation> {
    return this.rules.simulate(ctx, version);
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/member-card')
@Roles('shopper')
export class MemberCardController {
  constructor(private readonly tiers: MemberTiersService) {}

  @Get()
  @ApiOkResponse({ type: MemberCard })
  card(@Ctx() ctx: RequestContext): Promise<MemberCard> {
    return this.tiers.card(ctx, ctx.memberId);
  }
}
