import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { ProviderRefunds } from './provider-refunds.service';

/**
 * Refunds the provider has not taken yet (it was down, or the BFF stopped) are asked for again;
 * those it took but whose outcome it has not notified are asked about.
 */
@Injectable()
export class SendRefundsJob implements Job {
  readonly name = 'send-refunds';
  readonly schedule = '* * * * *';
  readonly batchSize = 50;

  constructor(private readonly refunds: ProviderRefunds) {}

  async runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    const settled = await this.refunds.settleUnnotified(ctx, batchSize);
    return settled + (await this.refunds.sendDueAfterCommit(ctx, batchSize));
  }
}
