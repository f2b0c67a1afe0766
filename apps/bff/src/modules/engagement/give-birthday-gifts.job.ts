import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { BirthdaysService } from './birthdays.service';

/** Birthday points, on the day: hourly, so that a birthday set today is not left for tomorrow. */
@Injectable()
export class GiveBirthdayGiftsJob implements Job {
  readonly name = 'give-birthday-gifts';
  readonly schedule = '5 * * * *';
  readonly batchSize = 200;

  constructor(private readonly birthdays: BirthdaysService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.birthdays.giveDueGifts(ctx, batchSize);
  }
}
