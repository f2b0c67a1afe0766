import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import {
  MarkAllReadRequest,
  MarkReadRequest,
  NotificationPage,
  UnreadCount,
} from './dto/notification.dto';
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

  @Get('unread')
  @ApiOkResponse({ type: UnreadCount })
  unread(@Ctx() ctx: RequestContext): Promise<UnreadCount> {
    return this.notifications.unread(ctx, ctx.memberId);
  }

  /** Seen in the inbox: read from now on. Marking a notice read again changes nothing. */
  @Post('read')
  @HttpCode(200)
  @ApiOkResponse({ type: UnreadCount })
  markRead(@Ctx() ctx: RequestContext, @Body() body: MarkReadRequest): Promise<UnreadCount> {
    return this.notifications.markRead(ctx, ctx.memberId, body.ids);
  }

  /** 全部已读: the inbox up to the newest notice shown, older pages not yet scrolled to included. */
  @Post('read-all')
  @HttpCode(200)
  @ApiOkResponse({ type: UnreadCount })
  markAllRead(@Ctx() ctx: RequestContext, @Body() body: MarkAllReadRequest): Promise<UnreadCount> {
    return this.notifications.markAllRead(ctx, ctx.memberId, body.upTo);
  }
}
