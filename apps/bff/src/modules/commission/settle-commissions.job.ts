import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { CommissionLedger } from './commission-ledger.service';

/** Commission frozen since pickup becomes available once the after-sales window has closed. */
@Injectable()
export class SettleCommissionsJob implements Job {
  readonly name = 'settle-commissions';
  readonly schedule = '5,35 * * * *';
  readonly batchSize = 500;

  constructor(
    private readonly commission: CommissionLedger,
    private readonly clock: Clock,
  ) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.commission.settleDue(ctx, this.clock.now(), batchSize);
  }
}
