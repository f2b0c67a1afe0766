import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { AdminMemberPage, AdminMemberView, MemberSearchQuery } from './dto/members-admin.dto';
import { MembersAdminService } from './members-admin.service';

/** Finding a member and reading their whole account, as an operator answering them does. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/members')
@Roles('admin')
export class MembersAdminController {
  constructor(private readonly members: MembersAdminService) {}

  @Get()
  @ApiOkResponse({ type: AdminMemberPage, description: 'Newest members first' })
  search(@Ctx() ctx: RequestContext, @Query() query: MemberSearchQuery): Promise<AdminMemberPage> {
    return this.members.search(ctx, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: AdminMemberView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such member' })
  view(
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
  ): Promise<AdminMemberView> {
    return this.members.view(ctx, id);
  }
}
