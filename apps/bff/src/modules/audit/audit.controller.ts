import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { AuditService } from './audit.service';
import { AuditLogPage, AuditLogQuery } from './dto/audit-log.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Who changed what: every operator decision and change, newest first. */
  @Get('audit-log')
  @ApiOkResponse({ type: AuditLogPage })
  list(@Ctx() ctx: RequestContext, @Query() query: AuditLogQuery): Promise<AuditLogPage> {
    return this.audit.list(ctx, query);
  }
}
