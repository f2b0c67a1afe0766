import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { OrderLifecycleService } from './order-lifecycle.service';

/** Orders not paid within their window give their stock and points back. */
@Injectable()
export class CancelUnpaidOrdersJob implements Job {
  readonly name = 'cancel-unpaid-orders';
  readonly schedule = '* * * * *';
  readonly batchSize = 200;

  constructor(private readonly lifecycle: OrderLifecycleService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.lifecycle.expireUnpaid(ctx, batchSize);
  }
}
