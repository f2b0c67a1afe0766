import { ErrorCode } from '@linli/shared';
import { PROBE_GATE, PROBE_TABLE, ProbeModule } from './support/probe.module';
import { createTestDatabase } from './support/test-database';
import { loginMember, startTestApp, TestApp } from './support/test-app';

describe('a request PostgreSQL aborts to break a deadlock or a timeout', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    t = await startTestApp({}, { database, extraModules: [ProbeModule] });
    await t.dataSource.query(PROBE_TABLE);
    token = (await loginMember(t, 'conflicts')).accessToken;
  });
  afterAll(async () => {
    await t.close();
    await t.database.drop();
  });

  /** Sessions waiting for the gate, counted until `count` wait there (at most 10 s of asking). */
  const waitAtGate = async (count: number) => {
    for (let i = 0; i < 200; i++) {
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND NOT granted AND objid = $1`,
        [PROBE_GATE],
      );
      if (n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`fewer than ${count} requests reached the gate`);
  };

  it('answers the request it aborted with a 503 to try again, not a 500', async () => {
    const gate = t.dataSource.createQueryRunner();
    await gate.connect();
    try {
      await gate.query(`SELECT pg_advisory_lock($1)`, [PROBE_GATE]);
      const lockPair = (first: number, second: number) =>
        t
          .http()
          .post('/api/v1/probe/lock-pair')
          .auth(token, { type: 'bearer' })
          .send({ first, second })
          .then((res) => res);
      const requests = [lockPair(1, 2), lockPair(2, 1)];
      // Each holds its first row; once the gate opens each wants the other's.
      await waitAtGate(2);
      await gate.query(`SELECT pg_advisory_unlock($1)`, [PROBE_GATE]);
      const responses = await Promise.all(requests);
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 503]);
      const aborted = responses.find((r) => r.status === 503)!;
      expect(aborted.body).toEqual({
        error: { code: ErrorCode.ServiceUnavailable, message: expect.any(String) },
      });
      expect(aborted.headers['retry-after']).toBe('1');
    } finally {
      await gate.release();
    }
  });

  it('answers a statement cancelled by the statement timeout with a 503, not a 500', async () => {
    const res = await t.http().post('/api/v1/probe/slow').auth(token, { type: 'bearer' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: { code: ErrorCode.ServiceUnavailable, message: expect.any(String) },
    });
    expect(res.headers['retry-after']).toBe('1');
  });
});
