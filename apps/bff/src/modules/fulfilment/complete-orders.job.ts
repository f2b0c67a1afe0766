import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { OrderCompletionService } from './order-completion.service';

/** Orders past their after-sales window complete: points, growth and commission are released. */
@Injectable()
export class CompleteOrdersJob implements Job {
  readonly name = 'complete-orders';
  readonly schedule = '*/10 * * * *';
  readonly batchSize = 200;

  constructor(private readonly completion: OrderCompletionService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.completion.completeDue(ctx, batchSize);
  }
}
