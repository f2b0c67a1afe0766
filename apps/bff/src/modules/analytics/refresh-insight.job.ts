import { Injectable } from '@nestjs/common';
import type { Job } from '../jobs/job';
import { ChurnService } from './churn.service';

/**
 * Sums up buyers' purchase days and fits the churn model for the day, at night, so that the
 * day's first RFM or churn report need not wait for either.
 */
@Injectable()
export class RefreshInsightJob implements Job {
  readonly name = 'refresh-insight';
  readonly schedule = '10 3 * * *';
  /** One batch does the whole day's work. */
  readonly batchSize = Number.MAX_SAFE_INTEGER;

  constructor(private readonly churn: ChurnService) {}

  /** The summaries and the fit commit in transactions of their own, not the batch's. */
  runBatch(): Promise<number> {
    return this.churn.refresh();
  }
}
