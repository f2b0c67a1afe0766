import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { TierMonthlyCouponsService } from './tier-monthly-coupons.service';

/** Tiers' monthly coupons: hourly, so that a member who moves up a tier gets theirs soon. */
@Injectable()
export class GiveMonthlyCouponsJob implements Job {
  readonly name = 'give-monthly-coupons';
  readonly schedule = '15 * * * *';
  readonly batchSize = 500;

  constructor(private readonly monthly: TierMonthlyCouponsService) {}

  runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    return this.monthly.giveDue(ctx, batchSize);
  }
}
