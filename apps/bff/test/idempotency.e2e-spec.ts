import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { PROBE_TABLE, ProbeModule } from './support/probe.module';
import { createTestDatabase } from './support/test-database';
import { loginMember, startTestApp, TestApp } from './support/test-app';

describe('Idempotency-Key on a value-creating route', () => {
  let t: TestApp;
  let token: string;
  let memberId: string;

  beforeAll(async () => {
    const database = await createTestDatabase();
    t = await startTestApp({}, { database, extraModules: [ProbeModule] });
    await t.dataSource.query(PROBE_TABLE);
    const login = await loginMember(t, 'idem');
    token = login.accessToken;
    memberId = login.member.id;
  });
  afterAll(async () => {
    await t.close();
    await t.database.drop();
  });

  const grant = (key: string | null, body: object, as = token) => {
    const req = t.http().post('/api/v1/probe/grants').auth(as, { type: 'bearer' });
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const grantsOf = async (id = memberId) =>
    (
      await t.dataSource.query(`SELECT count(*)::int AS n FROM probe_grants WHERE member_id = $1`, [
        id,
      ])
    )[0].n;

  it('replays the first response for the same key and body, creating value once', async () => {
    const key = randomUUID();
    const before = await grantsOf();
    const first = await grant(key, { amount: 5, note: 'a' }).expect(201);
    const replay = await grant(key, { note: 'a', amount: 5 }).expect(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await grantsOf()).toBe(before + 1);
  });

  it('refuses the same key with a different body with 422', async () => {
    const key = randomUUID();
    await grant(key, { amount: 5, note: 'a' }).expect(201);
    const res = await grant(key, { amount: 6, note: 'a' }).expect(422);
    expect(res.body.error.code).toBe(ErrorCode.IdempotencyKeyReused);
  });

  it('creates value once under 50 concurrent replays of one key', async () => {
    const key = randomUUID();
    const before = await grantsOf();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => grant(key, { amount: 7, note: 'race' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expect(await grantsOf()).toBe(before + 1);
  });

  it('keeps nothing from a request that failed, so a retry does the work', async () => {
    const key = randomUUID();
    const before = await grantsOf();
    const failed = await grant(key, { amount: 9, note: 'fail-after-write' }).expect(500);
    expect(failed.body).toEqual({
      error: { code: ErrorCode.InternalError, message: 'Internal error' },
    });
    expect(await grantsOf()).toBe(before);
    await grant(key, { amount: 9, note: 'fine' }).expect(201);
    expect(await grantsOf()).toBe(before + 1);
  });

  it('runs before-commit work last, after the response is stored, in the same transaction', async () => {
    const key = randomUUID();
    await grant(key, { amount: 3, note: 'closing-check' }).expect(201);
    expect(
      await t.dataSource.query(`SELECT response_stored FROM probe_closings WHERE key = $1`, [key]),
    ).toEqual([{ response_stored: true }]);
  });

  it('keeps nothing, stored response included, when before-commit work refuses', async () => {
    const key = randomUUID();
    const before = await grantsOf();
    const res = await grant(key, { amount: 4, note: 'closing-refused' }).expect(409);
    expect(res.body.error.code).toBe(ErrorCode.OutOfStock);
    expect(await grantsOf()).toBe(before);
    expect(
      await t.dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [key]),
    ).toEqual([]);
    // The same key tried again does the work again, and is refused again: no replay of a success.
    await grant(key, { amount: 4, note: 'closing-refused' }).expect(409);
  });

  it('scopes keys to the caller', async () => {
    const other = await loginMember(t, 'idem-other');
    const key = randomUUID();
    const mine = await grant(key, { amount: 1, note: 'x' }).expect(201);
    const theirs = await grant(key, { amount: 1, note: 'x' }, other.accessToken).expect(201);
    expect(theirs.body.grantId).not.toBe(mine.body.grantId);
    expect(await grantsOf(other.member.id)).toBe(1);
  });

  it('requires the header where the route says so, and checks its form', async () => {
    expect((await grant(null, { amount: 1, note: 'x' }).expect(400)).body.error.code).toBe(
      ErrorCode.ValidationFailed,
    );
    expect((await grant('short', { amount: 1, note: 'x' }).expect(400)).body.error.code).toBe(
      ErrorCode.ValidationFailed,
    );
  });

  it('validates the body before anything is stored', async () => {
    const key = randomUUID();
    await grant(key, { amount: 0, note: 'x' }).expect(400);
    await grant(key, { amount: 2, note: 'x' }).expect(201);
  });

  it('renders unknown errors as 500 without internals', async () => {
    const res = await t
      .http()
      .post('/api/v1/probe/crash')
      .auth(token, { type: 'bearer' })
      .expect(500);
    expect(res.body).toEqual({
      error: { code: ErrorCode.InternalError, message: 'Internal error' },
    });
    expect(res.text).not.toContain('secret');
  });
});
