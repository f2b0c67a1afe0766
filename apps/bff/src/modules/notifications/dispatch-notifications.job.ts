import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { NotificationDispatcher } from './notification-dispatcher.service';

/** Notices in the outbox are pushed to members' phones, with retries. */
@Injectable()
export class DispatchNotificationsJob implements Job {
  readonly name = 'dispatch-notifications';
  readonly schedule = '* * * * *';
  readonly batchSize = 50;

  constructor(private readonly dispatcher: NotificationDispatcher) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.dispatcher.dispatchDue(ctx, batchSize);
  }
}
