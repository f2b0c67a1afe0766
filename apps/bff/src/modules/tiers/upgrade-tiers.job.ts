import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { MemberTiersService } from './member-tiers.service';

/**
 * Raises the members that newly published tier rules put in a higher tier, a batch at a time;
 * once a version is applied, a run is one read.
 */
@Injectable()
export class UpgradeTiersJob implements Job {
  readonly name = 'upgrade-tiers';
  readonly schedule = '* * * * *';
  readonly batchSize = 500;

  constructor(private readonly tiers: MemberTiersService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.tiers.upgradeToRulesInForce(ctx, batchSize);
  }
}
