import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { MemberTiersService } from './member-tiers.service';

/**
 * Reviews the tiers whose anniversary has come (保级), a batch of members at a time. Every hour,
 * though anniversaries come at midnight: a member whose row another transaction holds (an order
 * completing, a check-in) is passed over, and reviewed at the next run.
 */
@Injectable()
export class RetainTiersJob implements Job {
  readonly name = 'retain-tiers';
  readonly schedule = '20 * * * *';
  readonly batchSize = 5000;

  constructor(private readonly tiers: MemberTiersService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.tiers.reviewDue(ctx, batchSize);
  }
}
