import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { CutOffService } from './cut-off.service';

/** At cut-off a campaign forms or fails; its paid orders are confirmed or refunded. */
@Injectable()
export class CutOffCampaignsJob implements Job {
  readonly name = 'cut-off-campaigns';
  readonly schedule = '* * * * *';
  readonly batchSize = 100;

  constructor(private readonly cutOff: CutOffService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.cutOff.runBatch(ctx, batchSize);
  }
}
