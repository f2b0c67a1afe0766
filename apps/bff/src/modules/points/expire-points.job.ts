import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { PointsLedger } from './points-ledger.service';

/** Expires lots whose month-end has passed: a journal entry per lot, member by member. */
@Injectable()
export class ExpirePointsJob implements Job {
  readonly name = 'expire-points';
  // Just after midnight in Shanghai, when a month's lots have run out.
  readonly schedule = '5 0 * * *';
  readonly batchSize = 200;

  constructor(private readonly ledger: PointsLedger) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.ledger.expireDue(ctx, batchSize);
  }
}
