import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { MeResponse } from './dto/me.dto';
import { MembersService } from './members.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
@Roles('shopper')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOkResponse({ type: MeResponse })
  me(@Ctx() ctx: RequestContext): Promise<MeResponse> {
    return this.members.profile(ctx, ctx.memberId);
  }
}
