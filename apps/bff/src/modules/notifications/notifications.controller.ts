import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import { NotificationPage } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
@Roles('shopper')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPage })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<NotificationPage> {
    return this.notifications.list(ctx, ctx.memberId, query);
  }
}
