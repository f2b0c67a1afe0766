import { Injectable, Logger } from '@nestjs/common';
import type { RequestContext } from '../../common/request-context';
import type { Job } from '../jobs/job';
import { PointsReconciliationService } from './points-reconciliation.service';

/**
 * Checks the ledger's invariants over every account each night, a slice of accounts a batch,
 * so that no single statement reads the whole ledger and a stopped run goes on where it was.
 * A finished run that found mismatches is logged as an error, for operators' alerts.
 */
@Injectable()
export class ReconcilePointsJob implements Job {
  readonly name = 'reconcile-points';
  // After the night's expiry (00:05) and housekeeping, before the morning's orders.
  readonly schedule = '30 4 * * *';
  readonly batchSize = 200;
  private readonly logger = new Logger(ReconcilePointsJob.name);

  constructor(private readonly reconciliation: PointsReconciliationService) {}

  async runBatch(ctx: RequestContext, batchSize: number): Promise<number> {
    const { checked, finished } = await this.reconciliation.checkNextSlice(ctx, batchSize);
    if (finished) {
      const summary = {
        reconciliation: finished.id,
        accounts: finished.accountsChecked,
        mismatched: finished.mismatchedAccounts,
      };
      if (finished.mismatchedAccounts > 0)
        this.logger.error(summary, 'points reconciliation found accounts that do not add up');
      else this.logger.log(summary, 'points reconciliation found nothing wrong');
    }
    return checked;
  }
}
