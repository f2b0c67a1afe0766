import type { RequestContext } from '../../src/common/request-context';

/** Runs SQL on the test's database: its DataSource, or a pg client of its own. */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Returns once `count` statements of the test's database wait for a lock another transaction
 * holds, counting only those whose text contains `touching` when it is given; fails after
 * about 10 s of asking.
 */
export async function lockWaits(db: Queryable, count = 1, touching = ''): Promise<void> {
  for (let asked = 0; asked < 1000; asked++) {
    const result = await db.query(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND position($1 in query) > 0`,
      [touching],
    );
    const [{ waiting }] = (
      Array.isArray(result) ? result : (result as { rows: unknown[] }).rows
    ) as {
      waiting: number;
    }[];
    if (waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${count} statements ever waited for a lock`);
}

/**
 * Runs `work` between the two steps of a transaction that takes locks: `first`, then, once a
 * statement waits for a lock (the work's, on what `first` holds), `second`. The work is sure to
 * come between them however fast or slow the machine is: work that takes what `second` wants
 * before waiting for what `first` holds closes a cycle, which PostgreSQL breaks by failing one.
 */
export async function betweenLocks<R>(
  db: Queryable,
  inTransaction: (steps: (ctx: RequestContext) => Promise<void>) => Promise<unknown>,
  first: (ctx: RequestContext) => Promise<unknown>,
  second: (ctx: RequestContext) => Promise<unknown>,
  work: () => Promise<R>,
): Promise<R> {
  let tookFirst!: () => void;
  const firstTaken = new Promise<void>((resolve) => (tookFirst = resolve));
  const holder = inTransaction(async (ctx) => {
    await first(ctx);
    tookFirst();
    await lockWaits(db, 1);
    await second(ctx);
  });
  await Promise.race([firstTaken, holder]);
  const [, result] = await Promise.all([holder, work()]);
  return result;
}
