import fc from 'fast-check';
import { Client } from 'pg';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../src/common/errors/app-exception';
import { lockWaits } from './support/lock-waits';
import { DAY_MS, pointsOf } from './support/points-helpers';
import { startTestApp, TestApp } from './support/test-app';

const source = (id: string) => ({ type: 'order', id });

const SHANGHAI_MS = 8 * 3_600_000;

/**
 * DESIGN section 6's expiry, worked out apart from the service's code: the last millisecond
 * (Asia/Shanghai, UTC+8 all year) of the month 12 months after the Shanghai month of `at`.
 */
function modelExpiry(at: number): number {
  const shanghai = new Date(at + SHANGHAI_MS);
  const firstOfNext = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + 13, 1);
  return firstOfNext - SHANGHAI_MS - 1;
}

describe('points ledger on PostgreSQL', () => {
  let t: TestApp;
  let p: ReturnType<typeof pointsOf>;
  beforeAll(async () => {
    t = await startTestApp();
    p = pointsOf(t);
  });
  afterAll(() => t.close());

  it('earns pending points, makes them available, spends, returns and claws back', async () => {
    const m = await p.newMember();
    await p.inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('o1'), 120));
    expect(await p.wallet(m)).toMatchObject({ available: 0, pending: 120, lifetimeEarned: 0 });
    await p.inTransaction((ctx) => p.ledger.activate(ctx, m, source('o1')));
    expect(await p.wallet(m)).toMatchObject({ available: 120, pending: 0, lifetimeEarned: 120 });
    await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source('o2'), 100));
    await p.inTransaction((ctx) => p.ledger.returnSpent(ctx, m, source('o2'), 'refund-1', 40));
    const claw = await p.inTransaction((ctx) =>
      p.ledger.clawBack(ctx, m, source('o1'), 'refund-2', 100),
    );
    expect(claw).toMatchObject({ clawedBack: 60, shortfall: 40 });
    expect(await p.wallet(m)).toMatchObject({ available: 0, pending: 0, lifetimeEarned: 60 });
    expect((await p.reconcile()).mismatches).toEqual([]);
  });

  it('replays an operation with the same values and refuses different ones', async () => {
    const m = await p.newMember();
    const first = await p.inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('o1'), 50));
    const again = await p.inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('o1'), 50));
    expect(again).toEqual({ ...first, replayed: true });
    const conflict = await p
      .inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('o1'), 51))
      .catch((e) => e);
    expect(conflict).toBeInstanceOf(AppException);
    expect(conflict.code).toBe(ErrorCode.PointsOperationConflict);
    expect((await p.wallet(m)).pending).toBe(50);
  });

  it('never lets a debit take the balance below zero', async () => {
    const m = await p.newMember();
    await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 30, 'gift', 'k1'));
    const error = await p
      .inTransaction((ctx) => p.ledger.spend(ctx, m, source('o1'), 31))
      .catch((e) => e);
    expect(error.code).toBe(ErrorCode.PointsInsufficient);
    const debit = await p
      .inTransaction((ctx) => p.ledger.adjust(ctx, m, -31, 'fix', 'k2'))
      .catch((e) => e);
    expect(debit.code).toBe(ErrorCode.PointsInsufficient);
    expect((await p.wallet(m)).available).toBe(30);
  });

  it('draws a debit from as many one-point lots as it takes, and names the whole balance when they fall short', async () => {
    const m = await p.newMember();
    await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 4, 'gift', 'used-up'));
    await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source('o1'), 4));
    for (const key of ['a', 'b', 'c', 'd', 'e'])
      await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 1, 'gift', key));

    await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source('o2'), 3));
    expect((await p.wallet(m)).available).toBe(2);
    const error = await p
      .inTransaction((ctx) => p.ledger.spend(ctx, m, source('o3'), 3))
      .catch((e) => e);
    expect(error.code).toBe(ErrorCode.PointsInsufficient);
    expect(error.details).toEqual({ needed: 3, available: 2 });
    await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source('o4'), 2));
    expect((await p.wallet(m)).available).toBe(0);
  });

  it('expires lots after their month end, shows them as expiring before, and forfeits returns to them', async () => {
    const m = await p.newMember();
    await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 100, 'gift', 'exp-1'));
    await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source('buy'), 30));
    const [lot] = await t.dataSource.query(
      `SELECT expires_at FROM point_lots WHERE member_id = $1`,
      [m],
    );
    const expiresAt: Date = lot.expires_at;
    p.clock.advance(expiresAt.getTime() - p.clock.now().getTime() - 10 * DAY_MS);
    expect((await p.wallet(m)).expiringSoon).toEqual([
      { points: 70, expiresAt: expiresAt.toISOString() },
    ]);
    p.clock.advance(11 * DAY_MS);
    expect((await p.wallet(m)).available).toBe(0);
    await p.jobs.run('expire-points', 'admin');
    const returned = await p.inTransaction((ctx) =>
      p.ledger.returnSpent(ctx, m, source('buy'), 'refund-x', 30),
    );
    expect(returned).toMatchObject({ returned: 0, forfeited: 30 });
    const entries = await t.dataSource.query(
      `SELECT type, amount FROM point_entries WHERE member_id = $1 ORDER BY created_at`,
      [m],
    );
    expect(entries).toEqual([
      { type: 'adjust', amount: 100 },
      { type: 'spend', amount: -30 },
      { type: 'expire', amount: -70 },
    ]);
    expect((await p.reconcile()).mismatches).toEqual([]);
  });

  it('keeps the journal append-only', async () => {
    await expect(
      t.dataSource.query(`UPDATE point_entries SET amount = amount + 1`),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM point_allocations`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('holds only the lots a debit draws from, however many the member has', async () => {
    const m = await p.newMember();
    for (const key of ['lot-1', 'lot-2', 'lot-3', 'lot-4'])
      await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 10, 'gift', key));
    const lots: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM point_lots WHERE member_id = $1`,
      [m],
    );
    let drawn!: () => void;
    const debited = new Promise<void>((resolve) => (drawn = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // The debit's transaction stays open while another session tries each lot.
    const debit = p.inTransaction(async (ctx) => {
      await p.ledger.spend(ctx, m, source('o1'), 15);
      drawn();
      await finished;
    });
    await debited;
    const free: boolean[] = [];
    for (const lot of lots) {
      free.push(
        await t.dataSource
          .query(`SELECT id FROM point_lots WHERE id = $1 FOR UPDATE NOWAIT`, [lot.id])
          .then(
            () => true,
            () => false,
          ),
      );
    }
    finish();
    await debit;
    expect(free.filter((isFree) => !isFree)).toHaveLength(2);
    expect((await p.wallet(m)).available).toBe(25);
  });

  describe('under concurrency', () => {
    it('lets exactly the affordable ones of 200 concurrent spends succeed', async () => {
      const m = await p.newMember();
      await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 1000, 'gift', 'c1'));
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          p.inTransaction((ctx) => p.ledger.spend(ctx, m, source(`c${i}`), 7)),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(ok).toHaveLength(142);
      expect(refused).toHaveLength(58);
      expect(
        refused
          .filter((r) => r.reason.code !== ErrorCode.PointsInsufficient)
          .map((r) => String(r.reason)),
      ).toEqual([]);
      expect((await p.wallet(m)).available).toBe(6);
      expect((await p.reconcile()).mismatches).toEqual([]);
    });

    it('credits once under 50 concurrent replays of one earn', async () => {
      const m = await p.newMember();
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          p.inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('same'), 80)),
        ),
      );
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(new Set(results.map((r) => r.lotId)).size).toBe(1);
      expect((await p.wallet(m)).pending).toBe(80);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM point_entries WHERE member_id = $1`,
        [m],
      );
      expect(n).toBe(1);
    });

    it('answers 10 concurrent replays of one spend with the first result', async () => {
      const m = await p.newMember();
      await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 100, 'gift', 'same-spend-gift'));
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          p.inTransaction((ctx) => p.ledger.spend(ctx, m, source('same-spend'), 60)),
        ),
      );
      const first = results.find((r) => !r.replayed)!;
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(results).toEqual(
        results.map((r) => (r === first ? first : { ...first, replayed: true })),
      );
      expect((await p.wallet(m)).available).toBe(40);
      const entries = await t.dataSource.query(
        `SELECT id, amount FROM point_entries WHERE member_id = $1 AND type = 'spend'`,
        [m],
      );
      expect(entries).toEqual([{ id: first.entryId, amount: -60 }]);
      expect((await p.reconcile()).mismatches).toEqual([]);
    });

    it('credits once under 20 concurrent replays of one earn for a member with earlier activity', async () => {
      const m = await p.newMember();
      await p.inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('earlier'), 10));
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          p.inTransaction((ctx) => p.ledger.earnPending(ctx, m, source('same-earn'), 80)),
        ),
      );
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(new Set(results.map((r) => r.lotId)).size).toBe(1);
      expect((await p.wallet(m)).pending).toBe(90);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM point_entries WHERE member_id = $1 AND source_id = 'same-earn'`,
        [m],
      );
      expect(n).toBe(1);
    });

    it('keeps the invariants when spends race the expiry job, and gives nothing back to the lots it expires', async () => {
      const members = await Promise.all(Array.from({ length: 20 }, () => p.newMember()));
      for (const [i, m] of members.entries()) {
        await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 100, 'old', `race-old-${i}`));
        // 60 of them spent on an order refunded while the job runs: the job expires the 40
        // left of that lot as the refund would give the 60 back to it.
        await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source(`race-bought-${i}`), 60));
      }
      // Those lots end this month + 12; move past that, then credit fresh lots.
      const [{ expires_at }] = await t.dataSource.query(
        `SELECT max(expires_at) AS expires_at FROM point_lots`,
      );
      p.clock.advance(new Date(expires_at).getTime() - p.clock.now().getTime() + DAY_MS);
      for (const [i, m] of members.entries()) {
        await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 50, 'new', `race-new-${i}`));
      }
      // The job is let in first and stopped halfway through its batch: it holds the accounts of
      // the members before one (in id order) that another transaction holds. The spends and
      // refunds come while it does, some of them waiting for the accounts it holds.
      const halfway = [...members].sort()[members.length / 2];
      // Connections of their own: the spends take every one the BFF's pool has.
      const [holder, observer] = [t.database.url, t.database.url].map(
        (connectionString) => new Client({ connectionString }),
      );
      await Promise.all([holder.connect(), observer.connect()]);
      let outcomes!: string[];
      let returned!: { returned: number }[];
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM point_accounts WHERE member_id = $1 FOR UPDATE`, [
          halfway,
        ]);
        const expiring = p.jobs.run('expire-points', 'admin');
        await lockWaits(observer, 1, 'point_accounts');
        const spends = members.flatMap((m, i) =>
          Array.from({ length: 4 }, (_, j) =>
            p
              .inTransaction((ctx) => p.ledger.spend(ctx, m, source(`race-${i}-${j}`), 15))
              .then(
                () => 'ok',
                (e) => e.code,
              ),
          ),
        );
        const returns = members.map((m, i) =>
          p.inTransaction((ctx) =>
            p.ledger.returnSpent(ctx, m, source(`race-bought-${i}`), `race-refund-${i}`, 60),
          ),
        );
        const racing = Promise.all([Promise.all(spends), Promise.all(returns)]);
        await lockWaits(observer, 4, 'point_accounts');
        await holder.query('COMMIT');
        [outcomes, returned] = await racing;
        await expiring;
      } finally {
        await Promise.all([holder.end(), observer.end()]);
      }
      // The lot they came from has expired: nothing goes back to it.
      expect(returned.map((r) => r.returned)).toEqual(members.map(() => 0));
      // Only the fresh 50 points could be spent: three spends of 15 per member at most.
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(60);
      expect(
        outcomes.filter((o) => o !== 'ok').every((o) => o === ErrorCode.PointsInsufficient),
      ).toBe(true);
      for (const m of members) expect((await p.wallet(m)).available).toBe(5);
      const drewFromExpired = await t.dataSource.query(
        `SELECT 1 FROM point_entries e JOIN point_allocations a ON a.entry_id = e.id JOIN point_lots l ON l.id = a.lot_id
         WHERE e.type = 'spend' AND e.source_id NOT LIKE 'race-bought-%' AND l.source_id IN (
           SELECT id::text FROM point_entries WHERE operation_key LIKE 'adjust:race-old-%')`,
      );
      expect(drewFromExpired).toEqual([]);
      const oldLots = await t.dataSource.query(
        `SELECT DISTINCT l.state, l.remaining FROM point_lots l JOIN point_entries e ON e.id::text = l.source_id
         WHERE e.operation_key LIKE 'adjust:race-old-%'`,
      );
      expect(oldLots).toEqual([{ state: 'expired', remaining: 0 }]);
      expect((await p.reconcile()).mismatches).toEqual([]);
    });

    it('expires what a spend and a return left on a lot that ended while they were writing to it', async () => {
      const [spender, refunded] = [await p.newMember(), await p.newMember()];
      for (const m of [spender, refunded]) {
        await p.inTransaction((ctx) => p.ledger.adjust(ctx, m, 100, 'old', `edge-old-${m}`));
        await p.inTransaction((ctx) => p.ledger.spend(ctx, m, source(`edge-bought-${m}`), 60));
      }
      const [{ expires_at }] = await t.dataSource.query(
        `SELECT max(expires_at) AS expires_at FROM point_lots WHERE member_id = ANY($1::uuid[])`,
        [[spender, refunded]],
      );
      // Two seconds before the lots end, a spend takes 15 of the 40 left and a refund gives the
      // 60 back; neither has committed when the lots end and the expiry job comes for them.
      const end = new Date(expires_at).getTime();
      p.clock.advance(end - p.clock.now().getTime() - 2_000);
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const writing = [
        p.inTransaction(async (ctx) => {
          await p.ledger.spend(ctx, spender, source('edge-spend'), 15);
          await committing;
        }),
        p.inTransaction(async (ctx) => {
          await p.ledger.returnSpent(
            ctx,
            refunded,
            source(`edge-bought-${refunded}`),
            'edge-refund',
            60,
          );
          await committing;
        }),
      ];
      // Written, not committed: both hold the rows of lots they changed, waiting to commit.
      for (let writers = 0; writers < 2; ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        [{ writers }] = await t.dataSource.query(
          `SELECT count(DISTINCT l.pid)::int AS writers FROM pg_locks l
           JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE a.datname = current_database() AND a.state = 'idle in transaction'
             AND l.mode = 'RowExclusiveLock' AND l.relation = 'point_lots'::regclass`,
        );
      }
      p.clock.advance(end - p.clock.now().getTime() + 1_000);
      const expiring = p.jobs.run('expire-points', 'admin');
      // The job waits for the two accounts; once they commit, it expires what they left.
      await lockWaits(t.dataSource);
      commit();
      await Promise.all(writing);
      await expiring;
      const lots = await t.dataSource.query(
        `SELECT DISTINCT state, remaining FROM point_lots WHERE member_id = ANY($1::uuid[])`,
        [[spender, refunded]],
      );
      expect(lots).toEqual([{ state: 'expired', remaining: 0 }]);
      const expired = await t.dataSource.query(
        `SELECT member_id, amount FROM point_entries WHERE type = 'expire' AND member_id = ANY($1::uuid[])`,
        [[spender, refunded]],
      );
      expect(expired).toEqual(
        expect.arrayContaining([
          { member_id: spender, amount: -25 },
          { member_id: refunded, amount: -100 },
        ]),
      );
      expect((await p.reconcile()).mismatches).toEqual([]);
    });
  });

  describe('against a reference model', () => {
    type Op =
      | { kind: 'earn'; order: number; amount: number }
      | { kind: 'activate'; order: number }
      | { kind: 'cancel'; order: number }
      | { kind: 'spend'; amount: number }
      | { kind: 'return'; spend: number; amount: number }
      | { kind: 'clawback'; order: number; amount: number }
      | { kind: 'adjust'; amount: number }
      | { kind: 'advance'; days: number };

    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('earn' as const),
        order: fc.nat(4),
        amount: fc.integer({ min: 0, max: 300 }),
      }),
      fc.record({ kind: fc.constant('activate' as const), order: fc.nat(4) }),
      fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(4) }),
      fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 250 }) }),
      fc.record({
        kind: fc.constant('return' as const),
        spend: fc.nat(5),
        amount: fc.integer({ min: 1, max: 100 }),
      }),
      fc.record({
        kind: fc.constant('clawback' as const),
        order: fc.nat(4),
        amount: fc.integer({ min: 1, max: 200 }),
      }),
      fc.record({
        kind: fc.constant('adjust' as const),
        amount: fc.integer({ min: -200, max: 300 }).filter((a) => a !== 0),
      }),
      fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 200 }) }),
      // Past the end of every lot credited so far (12 months after the month it became
      // available), more often than the others, so that many runs see lots expire.
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          days: fc.integer({ min: 397, max: 430 }),
        }),
      },
    );

    interface ModelLot {
      amount: number;
      remaining: number;
      state: 'pending' | 'available' | 'cancelled';
      expiresAt: number;
      seq: number;
    }

    /** A plain restatement of DESIGN.md section 6, independent of the service's code. */
    class Model {
      lots = new Map<string, ModelLot>();
      spends = new Map<number, { lot: string; amount: number; returned: number }[]>();
      seq = 0;
      constructor(public now: number) {}

      usable() {
        return [...this.lots.entries()]
          .filter(([, l]) => l.state === 'available' && l.remaining > 0 && l.expiresAt >= this.now)
          .sort(([, a], [, b]) => a.expiresAt - b.expiresAt || a.seq - b.seq);
      }
      available() {
        return this.usable().reduce((s, [, l]) => s + l.remaining, 0);
      }
      pending() {
        return [...this.lots.values()]
          .filter((l) => l.state === 'pending')
          .reduce((s, l) => s + l.remaining, 0);
      }
      take(amount: number) {
        const taken: { lot: string; amount: number; returned: number }[] = [];
        for (const [key, lot] of this.usable()) {
          const n = Math.min(lot.remaining, amount - taken.reduce((s, x) => s + x.amount, 0));
          if (n > 0) {
            lot.remaining -= n;
            taken.push({ lot: key, amount: n, returned: 0 });
          }
        }
        return taken;
      }
      credit(key: string, amount: number) {
        this.lots.set(key, {
          amount,
          remaining: amount,
          state: 'available',
          expiresAt: modelExpiry(this.now),
          seq: this.seq++,
        });
      }
    }

    it('agrees with the model on every random sequence, and reconciliation stays clean', async () => {
      let run = 0;
      // The runs in which lots expired, and in which a return went partly to an expired lot.
      const reached = { expiry: new Set<number>(), forfeit: new Set<number>() };
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 1, maxLength: 14, size: 'max' }),
          async (ops) => {
            run += 1;
            const m = await p.newMember();
            const model = new Model(p.clock.now().getTime());
            const earned = new Set<number>();
            let spendCount = 0;
            for (const [i, o] of ops.entries()) {
              const order = (n: number) => source(`r${run}-o${n}`);
              switch (o.kind) {
                case 'earn': {
                  if (earned.has(o.order)) break;
                  earned.add(o.order);
                  await p.inTransaction((ctx) =>
                    p.ledger.earnPending(ctx, m, order(o.order), o.amount),
                  );
                  if (o.amount > 0)
                    model.lots.set(`o${o.order}`, {
                      amount: o.amount,
                      remaining: o.amount,
                      state: 'pending',
                      expiresAt: 0,
                      seq: model.seq++,
                    });
                  break;
                }
                case 'activate': {
                  await p.inTransaction((ctx) => p.ledger.activate(ctx, m, order(o.order)));
                  const lot = model.lots.get(`o${o.order}`);
                  if (lot?.state === 'pending') {
                    lot.state = 'available';
                    lot.expiresAt = modelExpiry(model.now);
                  }
                  break;
                }
                case 'cancel': {
                  await p.inTransaction((ctx) => p.ledger.cancelPending(ctx, m, order(o.order)));
                  const lot = model.lots.get(`o${o.order}`);
                  if (lot?.state === 'pending')
                    Object.assign(lot, { state: 'cancelled', remaining: 0 });
                  break;
                }
                case 'spend': {
                  const id = spendCount++;
                  const affordable = model.available() >= o.amount;
                  const result = await p
                    .inTransaction((ctx) =>
                      p.ledger.spend(ctx, m, source(`r${run}-s${id}`), o.amount),
                    )
                    .then(
                      () => 'ok',
                      (e) => e.code,
                    );
                  expect(result).toBe(affordable ? 'ok' : ErrorCode.PointsInsufficient);
                  if (affordable) model.spends.set(id, model.take(o.amount));
                  break;
                }
                case 'return': {
                  const parts = model.spends.get(o.spend);
                  const open = parts?.reduce((s, x) => s + x.amount - x.returned, 0) ?? 0;
                  if (!parts || open === 0) break;
                  const amount = Math.min(o.amount, open);
                  const result = await p.inTransaction((ctx) =>
                    p.ledger.returnSpent(
                      ctx,
                      m,
                      source(`r${run}-s${o.spend}`),
                      `r${run}-ret${i}`,
                      amount,
                    ),
                  );
                  let left = amount;
                  let forfeited = 0;
                  for (const part of [...parts].sort(
                    (a, b) => model.lots.get(b.lot)!.expiresAt - model.lots.get(a.lot)!.expiresAt,
                  )) {
                    const give = Math.min(part.amount - part.returned, left);
                    if (give <= 0) continue;
                    part.returned += give;
                    left -= give;
                    const lot = model.lots.get(part.lot)!;
                    if (lot.expiresAt < model.now) forfeited += give;
                    else lot.remaining += give;
                  }
                  expect(result).toMatchObject({ returned: amount - forfeited, forfeited });
                  if (forfeited > 0) reached.forfeit.add(run);
                  break;
                }
                case 'clawback': {
                  if (!earned.has(o.order)) break;
                  const result = await p.inTransaction((ctx) =>
                    p.ledger.clawBack(ctx, m, order(o.order), `r${run}-c${i}`, o.amount),
                  );
                  let left = o.amount;
                  const own = model.lots.get(`o${o.order}`);
                  if (own?.state === 'pending') {
                    const n = Math.min(own.remaining, left);
                    own.remaining -= n;
                    left -= n;
                  }
                  const taken = left > 0 ? model.take(Math.min(left, model.available())) : [];
                  left -= taken.reduce((s, x) => s + x.amount, 0);
                  expect(result).toMatchObject({ clawedBack: o.amount - left, shortfall: left });
                  break;
                }
                case 'adjust': {
                  const allowed = o.amount > 0 || model.available() >= -o.amount;
                  const result = await p
                    .inTransaction((ctx) =>
                      p.ledger.adjust(ctx, m, o.amount, 'model', `r${run}-a${i}`),
                    )
                    .then(
                      () => 'ok',
                      (e) => e.code,
                    );
                  expect(result).toBe(allowed ? 'ok' : ErrorCode.PointsInsufficient);
                  if (allowed && o.amount > 0) model.credit(`a${i}`, o.amount);
                  if (allowed && o.amount < 0) model.take(-o.amount);
                  break;
                }
                case 'advance': {
                  p.clock.advance(o.days * DAY_MS);
                  model.now = p.clock.now().getTime();
                  if (o.days > 100) await p.jobs.run('expire-points', 'admin');
                  const [{ expired }] = await t.dataSource.query(
                    `SELECT count(*)::int AS expired FROM point_entries WHERE member_id = $1 AND type = 'expire'`,
                    [m],
                  );
                  if (expired > 0) reached.expiry.add(run);
                  break;
                }
              }
              const wallet = await p.wallet(m);
              expect({ available: wallet.available, pending: wallet.pending }).toEqual({
                available: model.available(),
                pending: model.pending(),
              });
              // And by the instant lots end: what is left ending then (lots ending together may
              // be drawn from in either order).
              const ending = await t.dataSource.query(
                `SELECT (extract(epoch FROM expires_at) * 1000)::int8 AS ends, sum(remaining)::int AS left
               FROM point_lots WHERE member_id = $1 AND state = 'available' AND remaining > 0
                 AND expires_at >= $2 GROUP BY expires_at ORDER BY expires_at`,
                [m, p.clock.now()],
              );
              const modelEnding = new Map<number, number>();
              for (const [, l] of model.usable())
                modelEnding.set(l.expiresAt, (modelEnding.get(l.expiresAt) ?? 0) + l.remaining);
              expect(
                ending.map((e: { ends: string; left: number }) => [Number(e.ends), e.left]),
              ).toEqual([...modelEnding].sort(([a], [b]) => a - b));
            }
            expect((await p.reconcile()).mismatches).toEqual([]);
          },
        ),
        {
          numRuns: 80,
          // One sequence that surely spends from a lot, lets it expire and then refunds the spend.
          examples: [
            [
              [
                { kind: 'adjust', amount: 300 },
                { kind: 'spend', amount: 100 },
                { kind: 'advance', days: 420 },
                { kind: 'return', spend: 0, amount: 60 },
              ],
            ],
          ],
        },
      );
      expect(reached.expiry.size).toBeGreaterThan(0);
      expect(reached.forfeit.size).toBeGreaterThan(0);
    });
  });
});
