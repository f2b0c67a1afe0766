import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { RequestContext } from '../../src/common/request-context';
import { TransactionalConnection } from '../../src/common/transaction/transactional-connection';
import { JobRunner } from '../../src/modules/jobs/job-runner.service';
import { PointsLedger } from '../../src/modules/points/points-ledger.service';
import { PointsReconciliationService } from '../../src/modules/points/points-reconciliation.service';
import { PointsWalletService } from '../../src/modules/points/points-wallet.service';
import type { TestApp } from './test-app';

/** The points services of a running test app, each call in its own transaction as a module would make it. */
export function pointsOf(t: TestApp) {
  const connection = t.app.get(TransactionalConnection);
  const ledger = t.app.get(PointsLedger);
  const inTransaction = <T>(work: (ctx: RequestContext) => Promise<T>) =>
    connection.withTransaction(RequestContext.forSystem('test'), work);
  return {
    ledger,
    clock: t.app.get(Clock),
    jobs: t.app.get(JobRunner),
    inTransaction,
    wallet: (memberId: string) =>
      t.app.get(PointsWalletService).wallet(RequestContext.forSystem('test'), memberId),
    reconcile: () => t.app.get(PointsReconciliationService).run(RequestContext.forSystem('test')),
    async newMember(): Promise<string> {
      const [row] = await t.dataSource.query(
        `INSERT INTO members (openid, nickname, invite_code) VALUES ($1, 'points', $2) RETURNING id`,
        [`test_${randomUUID()}`, randomUUID().slice(0, 8).toUpperCase()],
      );
      return row.id;
    },
  };
}

export const DAY_MS = 86_400_000;
