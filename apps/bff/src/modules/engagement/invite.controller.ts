import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { InviteView } from './dto/invite.dto';
import { ReferralsService } from './referrals.service';

@ApiTags('engagement')
@ApiBearerAuth()
@Controller('me/invite')
@Roles('shopper')
export class InviteController {
  constructor(private readonly referrals: ReferralsService) {}

  /** 邀请有礼: the member's invite code, their invitees and what inviting earned them. */
  @Get()
  @ApiOkResponse({ type: InviteView })
  invite(@Ctx() ctx: RequestContext): Promise<InviteView> {
    return this.referrals.invite(ctx, ctx.memberId);
  }
}
