import {
  ArgumentMetadata,
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { startOfBusinessDay } from '@linli/domain';
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
import { AuditService } from '../audit/audit.service';
import { ManualTierRequest, MemberCard } from './dto/member-card.dto';
import {
  CreateTierRulesRequest,
  TierRulesRequest,
  TierRulesVersion,
  TierRulesVersionPage,
  TierSimulation,
} from './dto/tier-rules.dto';
import { MemberTiersService } from './member-tiers.service';
import { TierRulesService } from './tier-rules.service';

/** A version number, whole and within the int column that holds it: 400 for anything else. */
class VersionPipe extends ParseIntPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<number> {
    const version = await super.transform(value, metadata);
    if (Math.abs(version) > 2_147_483_647)
      throw new BadRequestException('The version number is out of range');
    return version;
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/tier-rules')
@Roles('admin')
export class TierRulesController {
  constructor(private readonly rules: TierRulesService) {}

  @Get()
  @ApiOkResponse({ type: TierRulesVersionPage })
  list(@Ctx() ctx: RequestContext, @Query() page: PageQuery): Promise<TierRulesVersionPage> {
    return this.rules.list(ctx, page);
  }

  @Get(':version')
  @ApiOkResponse({ type: TierRulesVersion })
  get(
    @Ctx() ctx: RequestContext,
    @Param('version', VersionPipe) version: number,
  ): Promise<TierRulesVersion> {
    return this.rules.get(ctx, version);
  }

  /** A new draft from the given tiers, or a copy of the rules in force when the body has none. */
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: TierRulesVersion })
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
    @Param('version', VersionPipe) version: number,
    @Body() body: TierRulesRequest,
  ): Promise<TierRulesVersion> {
    return this.rules.updateDraft(ctx, version, body.tiers);
  }

  @Post(':version/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: TierRulesVersion })
  @ApiUnprocessableEntityResponse({ description: 'TIER_RULES_INVALID' })
  @ApiConflictResponse({
    description:
      'TIER_RULES_PUBLISHED: already published; TIER_RULES_OUTDATED: a newer version is in force (make a new draft from it)',
  })
  publish(
    @Ctx() ctx: RequestContext,
    @Param('version', VersionPipe) version: number,
  ): Promise<TierRulesVersion> {
    return this.rules.publish(ctx, version);
  }

  @Post(':version/simulate')
  @HttpCode(200)
  @ApiOkResponse({ type: TierSimulation })
  simulate(
    @Ctx() ctx: RequestContext,
    @Param('version', VersionPipe) version: number,
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

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/members')
@Roles('admin')
export class MemberTierAdminController {
  constructor(
    private readonly tiers: MemberTiersService,
    private readonly audit: AuditService,
  ) {}

  /** Sets a tier as the member's floor through a business day; raises them to it at once. */
  @Post(':id/tier')
  @HttpCode(200)
  @ApiOkResponse({ type: MemberCard })
  async setTier(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) memberId: string,
    @Body() body: ManualTierRequest,
  ): Promise<MemberCard> {
    const until = new Date(startOfBusinessDay(body.until).getTime() + 86_400_000 - 1);
    await this.tiers.setManualTier(ctx, memberId, body.tier, until);
    await this.audit.record(
      ctx,
      'member.tier.manual',
      { type: 'member', id: memberId },
      { ...body },
    );
    return this.tiers.card(ctx, memberId);
  }
}
