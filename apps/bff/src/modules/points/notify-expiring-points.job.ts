import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { ExpiringPointsNotices } from './expiring-points-notices.service';

/** Members hear ahead of time that some of their points are about to expire. */
@Injectable()
export class NotifyExpiringPointsJob implements Job {
  readonly name = 'notify-expiring-points';
  // Mid-morning in Shanghai, when a notice is read rather than slept through.
  readonly schedule = '0 10 * * *';
  readonly batchSize = 500;

  constructor(private readonly notices: ExpiringPointsNotices) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.notices.noticeDue(ctx, batchSize);
  }
}
