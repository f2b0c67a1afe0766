import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { DAY_MS, pointsOf } from './support/points-helpers';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('points over HTTP', () => {
  let t: TestApp;
  let admin: string;
  let alice: { accessToken: string; member: { id: string } };
  let bob: { accessToken: string; member: { id: string } };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    alice = await loginMember(t, 'points-alice');
    bob = await loginMember(t, 'points-bob');
  });
  afterAll(() => t.close());

  const adjust = (
    memberId: string,
    body: object,
    key: string | null = randomUUID(),
    token = admin,
  ) => {
    const req = t
      .http()
      .post(`/api/v1/admin/members/${memberId}/points-adjustments`)
      .auth(token, { type: 'bearer' });
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const wallet = (token: string) =>
    t.http().get('/api/v1/me/points').auth(token, { type: 'bearer' });
  const entries = (token: string, query = '') =>
    t.http().get(`/api/v1/me/points/entries${query}`).auth(token, { type: 'bearer' });

  describe('GET /me/points', () => {
    it('starts empty', async () => {
      expect((await wallet(bob.accessToken).expect(200)).body).toEqual({
        available: 0,
        pending: 0,
        expiringSoon: [],
        lifetimeEarned: 0,
      });
    });

    it('needs a member log-in', async () => {
      await t.http().get('/api/v1/me/points').expect(401);
      await wallet(admin).expect(403);
    });
  });

  describe('POST /admin/members/:id/points-adjustments', () => {
    it('credits, shows in the wallet and is audited', async () => {
      const res = await adjust(alice.member.id, { points: 500, reason: '新人礼包' }).expect(201);
      expect(res.body).toEqual({ entryId: expect.any(String), points: 500, available: 500 });
      expect((await wallet(alice.accessToken)).body).toMatchObject({
        available: 500,
        lifetimeEarned: 500,
      });
      const audit = await t.dataSource.query(
        `SELECT action, target_id, details FROM audit_log WHERE action = 'points.adjust' AND target_id = $1`,
        [alice.member.id],
      );
      expect(audit).toEqual([
        {
          action: 'points.adjust',
          target_id: alice.member.id,
          details: expect.objectContaining({ points: 500, reason: '新人礼包' }),
        },
      ]);
    });

    it('keeps the reason without the spaces around it', async () => {
      const member = await loginMember(t, 'points-padded-reason');
      await adjust(member.member.id, { points: 5, reason: ' \u3000生日礼 ' }).expect(201);
      expect((await entries(member.accessToken)).body.items).toEqual([
        expect.objectContaining({ amount: 5, reason: '生日礼' }),
      ]);
      expect(
        (await adjust(member.member.id, { points: 5, reason: ' 礼 ' }).expect(400)).body.error
          .details.fields,
      ).toEqual({ reason: [expect.stringContaining('reason must be longer than or equal to 2')] });
    });

    it('replays the same key and refuses it with a different body', async () => {
      const key = randomUUID();
      const first = await adjust(alice.member.id, { points: 20, reason: '补偿' }, key).expect(201);
      const replay = await adjust(alice.member.id, { points: 20, reason: '补偿' }, key).expect(201);
      expect(replay.body).toEqual(first.body);
      const changed = await adjust(alice.member.id, { points: 21, reason: '补偿' }, key).expect(
        422,
      );
      expect(changed.body.error.code).toBe(ErrorCode.IdempotencyKeyReused);
      expect((await wallet(alice.accessToken)).body.available).toBe(520);
    });

    describe('once the stored Idempotency-Key has been purged', () => {
      const purge = (key: string) =>
        t.dataSource.query(`DELETE FROM idempotency_keys WHERE scope LIKE 'admin:%' AND key = $1`, [
          key,
        ]);
      const audited = async (entryId: string) =>
        (
          await t.dataSource.query(
            `SELECT 1 FROM audit_log WHERE action = 'points.adjust' AND details->>'entryId' = $1`,
            [entryId],
          )
        ).length;

      it('replays the adjustment from the ledger, audited once', async () => {
        const member = await loginMember(t, 'points-purged-replay');
        const key = randomUUID();
        const body = { points: 70, reason: '活动补发' };
        const first = await adjust(member.member.id, body, key).expect(201);
        await purge(key);
        const replay = await adjust(member.member.id, body, key).expect(201);
        expect(replay.body).toEqual(first.body);
        expect((await wallet(member.accessToken)).body.available).toBe(70);
        expect(await audited(first.body.entryId)).toBe(1);
      });

      it('refuses the key with a different body as a 422', async () => {
        const member = await loginMember(t, 'points-purged-changed');
        const key = randomUUID();
        await adjust(member.member.id, { points: 70, reason: '活动补发' }, key).expect(201);
        await purge(key);
        const changed = await adjust(member.member.id, { points: 80, reason: '活动补发' }, key);
        expect(changed.status).toBe(422);
        expect(changed.body.error.code).toBe(ErrorCode.IdempotencyKeyReused);
        expect((await wallet(member.accessToken)).body.available).toBe(70);
      });
    });

    it("never shows the member the operator's id or key", async () => {
      const member = await loginMember(t, 'points-opaque');
      const key = `opaque-${randomUUID()}`;
      const credit = await adjust(member.member.id, { points: 30, reason: '补偿' }, key).expect(
        201,
      );
      const adminId = JSON.parse(Buffer.from(admin.split('.')[1], 'base64url').toString()).sub;
      const [entry] = (await entries(member.accessToken).expect(200)).body.items;
      expect(entry).toMatchObject({ id: credit.body.entryId, type: 'adjust', amount: 30 });
      expect(entry.sourceId).toEqual(expect.any(String));
      expect(entry.sourceId).not.toContain(adminId);
      expect(entry.sourceId).not.toContain(key);
    });

    it('never takes a member below zero', async () => {
      const res = await adjust(alice.member.id, { points: -521, reason: '扣减' }).expect(409);
      expect(res.body.error).toMatchObject({
        code: ErrorCode.PointsInsufficient,
        details: { needed: 521, available: 520 },
      });
      await adjust(alice.member.id, { points: -20, reason: '扣减' }).expect(201);
      expect((await wallet(alice.accessToken)).body.available).toBe(500);
    });

    it.each([
      [{ points: 0, reason: '零' }],
      [{ points: 1.5, reason: '小数' }],
      [{ points: '10', reason: '文本' }],
      [{ points: 10 }],
      [{ points: 10, reason: 'x' }],
      [{ points: 10, reason: '   ' }],
      [{ points: 10, reason: '\u3000\u3000' }],
      [{ points: 10, reason: '多余', memberId: 'x' }],
      // PostgreSQL text cannot hold it.
      [{ points: 10, reason: '补偿\u0000' }],
    ])('refuses a bad body %j', async (body) => {
      expect((await adjust(alice.member.id, body).expect(400)).body.error.code).toBe(
        ErrorCode.ValidationFailed,
      );
    });

    it('takes one sent without an Idempotency-Key as an adjustment of its own each time', async () => {
      const first = await adjust(alice.member.id, { points: 1, reason: '无键' }, null).expect(201);
      const second = await adjust(alice.member.id, { points: 1, reason: '无键' }, null).expect(201);
      expect(second.body.available).toBe(first.body.available + 1);
    });

    it('answers 404 for an unknown member and 400 for a malformed id', async () => {
      await adjust(randomUUID(), { points: 1, reason: '无人' }).expect(404);
      await adjust('not-a-uuid', { points: 1, reason: '无人' }).expect(400);
    });

    it('is for admins only', async () => {
      const res = await adjust(
        alice.member.id,
        { points: 1000, reason: '自己加' },
        randomUUID(),
        alice.accessToken,
      ).expect(403);
      expect(res.body.error.code).toBe(ErrorCode.Forbidden);
    });
  });

  describe('GET /me/points/entries', () => {
    it('pages newest first with a cursor and filters by type', async () => {
      for (const points of [1, 2, 3])
        await adjust(bob.member.id, { points, reason: '分页' }).expect(201);
      await adjust(bob.member.id, { points: -1, reason: '分页' }).expect(201);
      const first = await entries(bob.accessToken, '?limit=3').expect(200);
      expect(first.body.items.map((e: { amount: number }) => e.amount)).toEqual([-1, 3, 2]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await entries(
        bob.accessToken,
        `?limit=3&cursor=${first.body.nextCursor}`,
      ).expect(200);
      expect(second.body).toEqual({
        items: [expect.objectContaining({ amount: 1, type: 'adjust', reason: '分页' })],
        nextCursor: null,
      });
      const adjusts = await entries(bob.accessToken, '?type=adjust').expect(200);
      expect(adjusts.body.items).toHaveLength(4);
      expect((await entries(bob.accessToken, '?type=expire').expect(200)).body.items).toEqual([]);
    });

    it('shows a member only their own entries', async () => {
      const mine = (await entries(bob.accessToken)).body.items.map((e: { id: string }) => e.id);
      const theirs = (await entries(alice.accessToken)).body.items.map((e: { id: string }) => e.id);
      expect(mine.filter((id: string) => theirs.includes(id))).toEqual([]);
    });

    /** A cursor as the BFF writes them, with a timestamp that looks right but does not exist. */
    const forged = (at: string) =>
      `?cursor=${Buffer.from(JSON.stringify({ at, id: '2f1d7c8e-5b4a-4c3d-9e8f-7a6b5c4d3e2f' })).toString('base64url')}`;

    it.each([
      '?type=bonus',
      '?limit=0',
      '?limit=101',
      '?cursor=garbage',
      '?extra=1',
      forged('2026-13-45 99:99:99'),
      forged('2026-02-30 10:00:00+08'),
      forged('2026-01-01 10:00:00+99'),
    ])('refuses %s', async (query) => {
      expect((await entries(bob.accessToken, query).expect(400)).body.error.code).toBe(
        ErrorCode.ValidationFailed,
      );
    });
  });

  describe('points policy', () => {
    const policy = {
      earnPointsPerYuan: 2,
      redeemPointsPerYuan: 100,
      maxDeductionBps: 3000,
      afterSalesDays: 7,
      expiryMonths: 12,
      expiringSoonDays: 45,
      expiryNoticeDays: 7,
      memberDay: 18,
      memberDayMultiplierPct: 200,
    };

    it('reads the defaults and replaces them, versioned and audited', async () => {
      const before = await t
        .http()
        .get('/api/v1/admin/points-policy')
        .auth(admin, { type: 'bearer' })
        .expect(200);
      expect(before.body).toMatchObject({
        earnPointsPerYuan: 1,
        redeemPointsPerYuan: 100,
        maxDeductionBps: 5000,
        expiryMonths: 12,
        version: 1,
      });
      const after = await t
        .http()
        .put('/api/v1/admin/points-policy')
        .auth(admin, { type: 'bearer' })
        .send(policy)
        .expect(200);
      expect(after.body).toMatchObject({ ...policy, version: 2 });
      const [audit] = await t.dataSource.query(
        `SELECT details FROM audit_log WHERE action = 'points-policy.update'`,
      );
      expect(audit.details.before.earnPointsPerYuan).toBe(1);
      expect(audit.details.after.earnPointsPerYuan).toBe(2);
    });

    it('audits what each of several concurrent saves replaced, as a chain of versions', async () => {
      const saves = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t
            .http()
            .put('/api/v1/admin/points-policy')
            .auth(admin, { type: 'bearer' })
            .send({ ...policy, earnPointsPerYuan: 3 + i }),
        ),
      );
      expect(saves.map((r) => r.status)).toEqual(Array(8).fill(200));
      const audits: { details: { before: { version: number }; after: { version: number } } }[] =
        await t.dataSource.query(
          `SELECT details FROM audit_log WHERE action = 'points-policy.update'
           ORDER BY (details->'after'->>'version')::int`,
        );
      const chain = audits.slice(-8);
      for (const { details } of chain)
        expect(details.before.version).toBe(details.after.version - 1);
      for (let i = 1; i < chain.length; i++)
        expect(chain[i].details.before).toEqual(chain[i - 1].details.after);
      await t
        .http()
        .put('/api/v1/admin/points-policy')
        .auth(admin, { type: 'bearer' })
        .send(policy)
        .expect(200);
    });

    it.each([
      [{ maxDeductionBps: 10000 }],
      [{ expiryMonths: 0 }],
      [{ memberDay: 31 }],
      [{ earnPointsPerYuan: 1.5 }],
      [{ surprise: true }],
    ])('refuses %j', async (change) => {
      await t
        .http()
        .put('/api/v1/admin/points-policy')
        .auth(admin, { type: 'bearer' })
        .send({ ...policy, ...change })
        .expect(400);
    });

    it('is for admins only', async () => {
      await t
        .http()
        .get('/api/v1/admin/points-policy')
        .auth(alice.accessToken, { type: 'bearer' })
        .expect(403);
      await t
        .http()
        .put('/api/v1/admin/points-policy')
        .auth(alice.accessToken, { type: 'bearer' })
        .send(policy)
        .expect(403);
    });
  });

  it('marks the entries of points still pending, clawbacks from them too, until the order completes or is cancelled', async () => {
    const dora = await loginMember(t, 'points-dora');
    const p = pointsOf(t);
    const completes = { type: 'order', id: randomUUID() };
    const cancelled = { type: 'order', id: randomUUID() };
    await p.inTransaction((ctx) => p.ledger.earnPending(ctx, dora.member.id, completes, 40));
    await p.inTransaction((ctx) => p.ledger.earnPending(ctx, dora.member.id, cancelled, 7));
    // Part of an order refunded before it completes: taken back from its pending lot.
    await p.inTransaction((ctx) =>
      p.ledger.clawBack(ctx, dora.member.id, completes, randomUUID(), 15),
    );
    const shown = async () =>
      (await entries(dora.accessToken)).body.items.map(
        (e: { type: string; amount: number; pending: boolean }) => [e.type, e.amount, e.pending],
      );
    expect(await shown()).toEqual(
      expect.arrayContaining([
        ['earn', 40, true],
        ['earn', 7, true],
        ['clawback', -15, true],
      ]),
    );

    await p.inTransaction((ctx) => p.ledger.activate(ctx, dora.member.id, completes));
    await p.inTransaction((ctx) => p.ledger.cancelPending(ctx, dora.member.id, cancelled));
    const after = await shown();
    expect(after).toHaveLength(4);
    expect(after).toEqual(
      expect.arrayContaining([
        ['earn', 40, false],
        ['clawback', -15, false],
        ['earn', 7, true],
        ['clawback', -7, true],
      ]),
    );
    // The entries that moved the balance add up to it.
    const credited = after
      .filter(([, , pending]: [string, number, boolean]) => !pending)
      .reduce((sum: number, [, amount]: [string, number, boolean]) => sum + amount, 0);
    expect((await wallet(dora.accessToken)).body.available).toBe(credited);
  });

  describe('expiry and reconciliation', () => {
    it('lists points expiring soon, expires them with the job, and reconciles', async () => {
      const carol = await loginMember(t, 'points-carol');
      await adjust(carol.member.id, { points: 300, reason: '到期测试' }).expect(201);
      const p = pointsOf(t);
      const [{ expires_at }] = await t.dataSource.query(
        `SELECT expires_at FROM point_lots WHERE member_id = $1`,
        [carol.member.id],
      );
      p.clock.advance(new Date(expires_at).getTime() - p.clock.now().getTime() - 5 * DAY_MS);
      expect((await wallet(carol.accessToken)).body.expiringSoon).toEqual([
        { points: 300, expiresAt: new Date(expires_at).toISOString() },
      ]);
      p.clock.advance(6 * DAY_MS);
      const run = await t
        .http()
        .post('/api/v1/admin/jobs/expire-points/run')
        .auth(admin, { type: 'bearer' })
        .expect(200);
      expect(run.body.processed).toBeGreaterThanOrEqual(1);
      expect((await wallet(carol.accessToken)).body).toMatchObject({
        available: 0,
        expiringSoon: [],
      });
      expect((await entries(carol.accessToken, '?type=expire')).body.items).toEqual([
        expect.objectContaining({ amount: -300 }),
      ]);
      const report = await t
        .http()
        .get('/api/v1/admin/points/reconciliation')
        .auth(admin, { type: 'bearer' })
        .expect(200);
      expect(report.body).toEqual({
        accounts: expect.any(Number),
        mismatches: [],
        checkedAt: expect.any(String),
      });
      expect(report.body.accounts).toBeGreaterThanOrEqual(3);
    });

    it('lists points as expiring soon from the morning the policy days before their last day', async () => {
      const gina = await loginMember(t, 'points-gina');
      await adjust(gina.member.id, { points: 120, reason: '到期提醒' }).expect(201);
      const [{ expires_at: expiresAt, day, soonDays }] = await t.dataSource.query(
        `SELECT l.expires_at, to_char(l.expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
                p.expiring_soon_days AS "soonDays"
         FROM point_lots l, points_policy p WHERE l.member_id = $1`,
        [gina.member.id],
      );
      const clock = pointsOf(t).clock;
      // The evening before that morning: the last day is one day too far off.
      const eveningBefore = new Date(`${day}T23:00:00+08:00`).getTime() - (soonDays + 1) * DAY_MS;
      clock.advance(eveningBefore - clock.now().getTime());
      expect((await wallet(gina.accessToken)).body.expiringSoon).toEqual([]);
      clock.advance(11 * 3_600_000); // 10:00 the next morning
      expect((await wallet(gina.accessToken)).body.expiringSoon).toEqual([
        { points: 120, expiresAt: new Date(expiresAt).toISOString() },
      ]);
    });

    it('names the account whose lots disagree with the journal', async () => {
      const dave = await loginMember(t, 'points-dave');
      await adjust(dave.member.id, { points: 50, reason: '对账测试' }).expect(201);
      await t.dataSource.query(
        `UPDATE point_lots SET remaining = remaining - 1 WHERE member_id = $1`,
        [dave.member.id],
      );
      const report = await t
        .http()
        .get('/api/v1/admin/points/reconciliation')
        .auth(admin, { type: 'bearer' })
        .expect(200);
      expect(report.body.mismatches).toEqual([
        {
          memberId: dave.member.id,
          problems: expect.arrayContaining([expect.stringMatching(/allocations sum to/)]),
        },
      ]);
      await t
        .http()
        .get('/api/v1/admin/points/reconciliation')
        .auth(alice.accessToken, { type: 'bearer' })
        .expect(403);
    });

    it('names an entry that goes the way its type does not, though every sum adds up', async () => {
      const fay = await loginMember(t, 'points-fay');
      await adjust(fay.member.id, { points: 50, reason: '对账测试' }).expect(201);
      // A debit written as an earn, its lot and allocation kept in step with it.
      const [{ id: lotId }] = await t.dataSource.query(
        `SELECT id FROM point_lots WHERE member_id = $1`,
        [fay.member.id],
      );
      await t.dataSource.query(`UPDATE point_lots SET remaining = remaining - 5 WHERE id = $1`, [
        lotId,
      ]);
      const [{ id: entryId }] = await t.dataSource.query(
        `INSERT INTO point_entries (member_id, type, amount, operation_key, source_type, source_id)
         VALUES ($1, 'earn', -5, 'forged', 'order', 'forged') RETURNING id`,
        [fay.member.id],
      );
      await t.dataSource.query(
        `INSERT INTO point_allocations (entry_id, lot_id, amount) VALUES ($1, $2, -5)`,
        [entryId, lotId],
      );
      const report = await t
        .http()
        .get('/api/v1/admin/points/reconciliation')
        .auth(admin, { type: 'bearer' })
        .expect(200);
      expect(
        report.body.mismatches.find((m: { memberId: string }) => m.memberId === fay.member.id),
      ).toEqual({
        memberId: fay.member.id,
        problems: [`earn entry ${entryId} of -5 goes the wrong way`],
      });
    });
  });

  describe('the balance an adjustment answers', () => {
    it('counts only spendable points, after a debit and after a credit', async () => {
      const erin = await loginMember(t, 'points-erin');
      const p = pointsOf(t);
      await adjust(erin.member.id, { points: 100, reason: '早期赠送' }).expect(201);
      const [{ expires_at }] = await t.dataSource.query(
        `SELECT expires_at FROM point_lots WHERE member_id = $1`,
        [erin.member.id],
      );
      // The first lot has expired (the job has not run yet); pending points do not count.
      p.clock.advance(new Date(expires_at).getTime() - p.clock.now().getTime() + DAY_MS);
      await p.inTransaction((ctx) =>
        p.ledger.earnPending(ctx, erin.member.id, { type: 'order', id: randomUUID() }, 40),
      );
      await adjust(erin.member.id, { points: 30, reason: '补偿一' }).expect(201);
      const second = await adjust(erin.member.id, { points: 50, reason: '补偿二' }).expect(201);
      expect(second.body.available).toBe(80);
      const debit = await adjust(erin.member.id, { points: -45, reason: '扣减' }).expect(201);
      expect(debit.body).toEqual({ entryId: expect.any(String), points: -45, available: 35 });
      const credit = await adjust(erin.member.id, { points: 5, reason: '补偿三' }).expect(201);
      expect(credit.body.available).toBe(40);
      expect((await wallet(erin.accessToken)).body).toMatchObject({ available: 40, pending: 40 });
    });
  });
});
