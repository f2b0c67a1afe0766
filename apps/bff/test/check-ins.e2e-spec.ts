import { addBusinessDays, businessDay, startOfBusinessDay } from '@linli/domain';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { RequestContext } from '../src/common/request-context';
import { CheckInsService } from '../src/modules/engagement/check-ins.service';
import { lockWaits } from './support/lock-waits';
import { loginAdmin, loginMember, startOfMorning, startTestApp, TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe('daily check-in (POST/GET /me/check-ins)', () => {
  let t: TestApp;
  let admin: string;
  let clock: Clock;
  const as = (token: string) => ({
    checkIn: (headers: Record<string, string> = {}) =>
      t.http().post('/api/v1/me/check-ins').auth(token, { type: 'bearer' }).set(headers),
    calendar: (month?: string) =>
      t
        .http()
        .get('/api/v1/me/check-ins')
        .query(month ? { month } : {})
        .auth(token, { type: 'bearer' }),
    available: async () =>
      (await t.http().get('/api/v1/me/points').auth(token, { type: 'bearer' }).expect(200)).body
        .available as number,
    growth: async () =>
      (await t.http().get('/api/v1/me/member-card').auth(token, { type: 'bearer' }).expect(200))
        .body.growth as number,
  });
  const today = () => businessDay(clock.now());

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    clock = startOfMorning(t);
  });
  afterAll(() => t.close());

  it('credits the daily points, spendable at once, and growth; a second check-in the same day is a 409', async () => {
    const ann = as((await loginMember(t, 'check-in-ann')).accessToken);
    const first = await ann.checkIn().expect(201);
    expect(first.body).toEqual({
      day: today(),
      streak: 1,
      pointsAwarded: 5,
      bonusPoints: 0,
      growthAwarded: 1,
    });
    expect(await ann.available()).toBe(5);
    expect(await ann.growth()).toBe(1);

    const again = await ann.checkIn().expect(409);
    expect(again.body.error).toMatchObject({
      code: 'CHECK_IN_ALREADY_DONE',
      details: { day: today() },
    });
    expect(await ann.available()).toBe(5);

    const entries = await t
      .http()
      .get('/api/v1/me/points/entries')
      .auth((await loginMember(t, 'check-in-ann')).accessToken, { type: 'bearer' })
      .expect(200);
    expect(entries.body.items).toEqual([
      expect.objectContaining({
        type: 'earn',
        amount: 5,
        sourceType: 'check_in',
        reason: '每日签到',
      }),
    ]);
  });

  it('credits once of 50 check-ins at the same moment: one 201, 49 409s', async () => {
    const { accessToken, member } = await loginMember(t, 'check-in-burst');
    const bo = as(accessToken);
    const responses = await Promise.all(Array.from({ length: 50 }, () => bo.checkIn()));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(49).fill(409)]);
    expect(await bo.available()).toBe(5);
    const [counts] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM check_ins WHERE member_id = $1)::int AS check_ins,
              (SELECT count(*) FROM point_lots WHERE member_id = $1)::int AS lots,
              (SELECT count(*) FROM growth_events WHERE member_id = $1)::int AS growth_events`,
      [member.id],
    );
    expect(counts).toEqual({ check_ins: 1, lots: 1, growth_events: 1 });
  });

  it('replays a check-in sent again with its Idempotency-Key instead of refusing it', async () => {
    const cy = as((await loginMember(t, 'check-in-cy')).accessToken);
    const key = randomUUID();
    const first = await cy.checkIn({ 'idempotency-key': key }).expect(201);
    const replay = await cy.checkIn({ 'idempotency-key': key }).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await cy.available()).toBe(5);
  });

  it('counts a streak day by day, pays the bonus days, and starts again after a missed day', async () => {
    const dee = as((await loginMember(t, 'check-in-dee')).accessToken);
    const earned: [number, number][] = [];
    for (let day = 1; day <= 8; day++) {
      const { body } = await dee.checkIn().expect(201);
      earned.push([body.streak, body.pointsAwarded]);
      clock.advance(DAY_MS);
    }
    expect(earned).toEqual([
      [1, 5],
      [2, 5],
      [3, 15],
      [4, 5],
      [5, 5],
      [6, 5],
      [7, 35],
      [8, 5],
    ]);
    expect(await dee.available()).toBe(80);
    const calendar = await dee.calendar().expect(200);
    // Yesterday was the 8th day; today is still open.
    expect(calendar.body).toMatchObject({
      today: today(),
      checkedInToday: false,
      streak: 8,
      nextBonus: { inDays: 2, points: 10 },
    });

    clock.advance(DAY_MS); // today missed
    expect((await dee.calendar().expect(200)).body).toMatchObject({ streak: 0 });
    const restart = await dee.checkIn().expect(201);
    expect(restart.body).toMatchObject({ streak: 1, pointsAwarded: 5 });
    expect((await dee.calendar().expect(200)).body).toMatchObject({
      checkedInToday: true,
      streak: 1,
      nextBonus: { inDays: 2, points: 10 },
    });
  });

  it('shows a month of check-ins, this month by default, any other when asked', async () => {
    const { accessToken, member } = await loginMember(t, 'check-in-eve');
    const eve = as(accessToken);
    await eve.checkIn().expect(201);
    const thisMonth = today().slice(0, 7);
    const calendar = await eve.calendar().expect(200);
    expect(calendar.body).toEqual({
      month: thisMonth,
      today: today(),
      checkedInToday: true,
      streak: 1,
      days: [{ day: today(), streak: 1, points: 5 }],
      rules: {
        points: 5,
        growth: 1,
        streakBonuses: [
          { day: 3, points: 10 },
          { day: 7, points: 30 },
        ],
      },
      nextBonus: { inDays: 2, points: 10 },
    });
    // A check-in of the last day of the month before, written as the service would.
    const lastMonthEnd = addBusinessDays(`${thisMonth}-01`, -1);
    await t.dataSource.query(
      `INSERT INTO check_ins (member_id, day, streak, points, growth) VALUES ($1, $2, 4, 5, 1)`,
      [member.id, lastMonthEnd],
    );
    const before = await eve.calendar(lastMonthEnd.slice(0, 7)).expect(200);
    expect(before.body.days).toEqual([{ day: lastMonthEnd, streak: 4, points: 5 }]);
    expect((await eve.calendar('2020-02').expect(200)).body.days).toEqual([]);
  });

  it.each(['2026-13', '2026-1', 'november', '2026-11-01', '0000-01'])(
    'refuses the month %s',
    async (month) => {
      const fay = as((await loginMember(t, 'check-in-fay')).accessToken);
      const response = await fay.calendar(month).expect(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    },
  );

  it('counts a check-in just after midnight on one just before it still being saved', async () => {
    const { member } = await loginMember(t, 'check-in-midnight');
    const checkIns = t.app.get(CheckInsService);
    // A minute before midnight in Shanghai.
    const midnight = startOfBusinessDay(addBusinessDays(today(), 1)).getTime();
    clock.advance(midnight - 60_000 - clock.now().getTime());
    let saved: () => void = () => undefined;
    const saving = new Promise<void>((resolve) => (saved = resolve));
    const late = t.dataSource.transaction(async (manager) => {
      await checkIns.checkIn(RequestContext.forSystem('test', manager), member.id);
      await saving; // the commit is still to come
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.advance(2 * 60_000);
    const early = t.dataSource.transaction((manager) =>
      checkIns.checkIn(RequestContext.forSystem('test', manager), member.id),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    saved();
    await late;
    expect((await early).streak).toBe(2);
  });

  it('does not wait for an order being placed, which waits for the points account the check-in holds', async () => {
    const { accessToken, member } = await loginMember(t, 'check-in-while-ordering');
    // An order being placed has inserted its row, which refers to the member; spending its
    // points next will wait for the account the check-in takes first.
    const ordering = t.dataSource.createQueryRunner();
    await ordering.connect();
    await ordering.startTransaction();
    try {
      await ordering.query(`SELECT 1 FROM members WHERE id = $1 FOR KEY SHARE`, [member.id]);
      const checkIn = as(accessToken).checkIn();
      const first = await Promise.race([
        checkIn.then((res) => `answered ${res.status}`),
        lockWaits(t.dataSource, 1, 'FROM members').then(() => 'waited for the member'),
      ]);
      expect(first).toBe('answered 201');
      await ordering.query(`SELECT 1 FROM point_accounts WHERE member_id = $1 FOR UPDATE`, [
        member.id,
      ]);
      await ordering.commitTransaction();
    } finally {
      if (ordering.isTransactionActive) await ordering.rollbackTransaction();
      await ordering.release();
    }
  });

  it('is for shoppers, signed in', async () => {
    await t.http().post('/api/v1/me/check-ins').expect(401);
    await t.http().get('/api/v1/me/check-ins').expect(401);
    await t.http().post('/api/v1/me/check-ins').auth(admin, { type: 'bearer' }).expect(403);
  });

  describe('what a check-in earns, set in the points policy', () => {
    const policy = async () =>
      (
        await t
          .http()
          .get('/api/v1/admin/points-policy')
          .auth(admin, { type: 'bearer' })
          .expect(200)
      ).body;
    const save = (body: object) =>
      t.http().put('/api/v1/admin/points-policy').auth(admin, { type: 'bearer' }).send(body);

    it('pays what the operator sets from the next check-in on, growth 0 included', async () => {
      const { version, updatedAt, ...current } = await policy();
      expect(version).toBeGreaterThan(0);
      expect(updatedAt).toEqual(expect.any(String));
      const saved = await save({
        ...current,
        checkInPoints: 8,
        checkInGrowth: 0,
        checkInStreakBonuses: [{ day: 2, points: 4 }],
      }).expect(200);
      expect(saved.body).toMatchObject({
        checkInPoints: 8,
        checkInGrowth: 0,
        checkInStreakBonuses: [{ day: 2, points: 4 }],
      });
      const gus = as((await loginMember(t, 'check-in-gus')).accessToken);
      expect((await gus.checkIn().expect(201)).body).toMatchObject({
        streak: 1,
        pointsAwarded: 8,
        growthAwarded: 0,
      });
      clock.advance(DAY_MS);
      expect((await gus.checkIn().expect(201)).body).toMatchObject({
        streak: 2,
        pointsAwarded: 12,
        bonusPoints: 4,
      });
      expect(await gus.growth()).toBe(0);
    });

    it('keeps the check-in rules when a save leaves them out', async () => {
      const { version, updatedAt, checkInPoints, checkInGrowth, checkInStreakBonuses, ...rest } =
        await policy();
      void version;
      void updatedAt;
      const saved = await save({ ...rest, earnPointsPerYuan: 2 }).expect(200);
      expect(saved.body).toMatchObject({
        earnPointsPerYuan: 2,
        checkInPoints,
        checkInGrowth,
        checkInStreakBonuses,
      });
    });

    it.each([
      [
        {
          checkInStreakBonuses: [
            { day: 3, points: 10 },
            { day: 3, points: 20 },
          ],
        },
      ],
      [{ checkInStreakBonuses: [{ day: 0, points: 10 }] }],
      [{ checkInStreakBonuses: [{ day: 32, points: 10 }] }],
      [{ checkInStreakBonuses: [{ day: 3, points: -1 }] }],
      [{ checkInStreakBonuses: [{ day: 3 }] }],
      [{ checkInStreakBonuses: { day: 3, points: 10 } }],
      [{ checkInPoints: -1 }],
      [{ checkInGrowth: 1.5 }],
      // A setting left out stays as it is; null is no setting.
      [{ checkInPoints: null }],
      [{ checkInStreakBonuses: null }],
      [{ reviewPoints: null }],
      [{ referralMonthlyCap: null }],
    ])('refuses %j', async (change) => {
      const { version, updatedAt, ...current } = await policy();
      void version;
      void updatedAt;
      const response = await save({ ...current, ...change }).expect(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(await policy()).toMatchObject({ version });
    });
  });
});
