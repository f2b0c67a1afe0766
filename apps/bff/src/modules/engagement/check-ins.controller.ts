import { Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { Ctx, RequestContext } from '../../common/request-context';
import { CalendarQuery, CheckInCalendar, CheckInResult } from './dto/check-in.dto';
import { CheckInsService } from './check-ins.service';

@ApiTags('engagement')
@ApiBearerAuth()
@Controller('me/check-ins')
@Roles('shopper')
export class CheckInsController {
  constructor(private readonly checkIns: CheckInsService) {}

  /** 签到: today's check-in, with its points (spendable at once) and growth. */
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: CheckInResult })
  @ApiConflictResponse({ description: 'CHECK_IN_ALREADY_DONE: today is already checked in' })
  checkIn(@Ctx() ctx: RequestContext): Promise<CheckInResult> {
    return this.checkIns.checkIn(ctx, ctx.memberId);
  }

  /** The month's calendar (this month by default), the streak and the next bonus ahead. */
  @Get()
  @ApiOkResponse({ type: CheckInCalendar })
  calendar(@Ctx() ctx: RequestContext, @Query() query: CalendarQuery): Promise<CheckInCalendar> {
    return this.checkIns.calendar(ctx, ctx.memberId, query.month);
  }
}
