import { Body, Controller, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { BirthdaysService } from './birthdays.service';
import { BirthdayView, SetBirthdayRequest } from './dto/birthday.dto';

@ApiTags('engagement')
@ApiBearerAuth()
@Controller('me/birthday')
@Roles('shopper')
export class BirthdayController {
  constructor(private readonly birthdays: BirthdaysService) {}

  /** Sets the birthday the tier's gift comes on; the same day again changes nothing. */
  @Put()
  @ApiOkResponse({ type: BirthdayView })
  @ApiConflictResponse({
    description: 'BIRTHDAY_LOCKED: changed less than a year ago (details.changeableFrom)',
  })
  set(@Ctx() ctx: RequestContext, @Body() body: SetBirthdayRequest): Promise<BirthdayView> {
    return this.birthdays.set(ctx, ctx.memberId, body.birthday);
  }
}
