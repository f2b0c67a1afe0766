import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { OrderLifecycleService } from './order-lifecycle.service';

/** Orders not paid within their window give their stock and points back. */
@Injectable()
export class CancelUnpaidOrdersJob implements Job {
  readonly name = 'cancel-unpaid-orders';
  readonly schedule = '* * * * *';
  readonly batchSize = 200;

  constructor(private readonly lifecycle: OrderLifecycleService) {}

  runBatch(manager: EntityManager, _now: Date, batchSize: number): Promise<number> {
    return this.lifecycle.expireUnpaid(RequestContext.forSystem(this.name, manager), batchSize);
  }
}
