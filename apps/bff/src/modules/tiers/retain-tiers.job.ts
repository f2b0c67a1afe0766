import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { MemberTiersService } from './member-tiers.service';

/** Reviews the tiers whose anniversary has come (保级), a batch of members at a time. */
@Injectable()
export class RetainTiersJob implements Job {
  readonly name = 'retain-tiers';
  readonly schedule = '20 0 * * *';
  readonly batchSize = 5000;

  constructor(private readonly tiers: MemberTiersService) {}

  runBatch(manager: EntityManager, _now: Date, batchSize: number): Promise<number> {
    return this.tiers.reviewDue(RequestContext.forSystem(this.name, manager), batchSize);
  }
}
