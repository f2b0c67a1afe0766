import { ErrorCode } from '@linli/shared';
import { addBusinessDays, addMonths, businessDay, startOfBusinessDay } from '@linli/domain';
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { DAY_MS, HOUR_MS, insightHistory } from './support/insight-fixtures';
import { loginAdmin, loginMember, startOfMorning, startTestApp, TestApp } from './support/test-app';

describe('insight reports (/admin/analytics)', () => {
  let t: TestApp;
  let admin: string;
  let now: Date;
  let today: string;
  const ago = (days: number, hours = 0) =>
    new Date(now.getTime() - days * DAY_MS + hours * HOUR_MS);
  const get = (path: string, token = admin) =>
    t.http().get(`/api/v1/admin/analytics/${path}`).auth(token, { type: 'bearer' });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    // 10:00 in Shanghai: whole days back from now stay on the days they name.
    now = startOfMorning(t).now();
    today = businessDay(now);
  });
  afterAll(() => t.close());

  // Each block reads its own past: a block's history is wiped before the next one's.
  const wipe = () =>
    t.dataSource.query(
      `TRUNCATE orders, point_entries, point_lots, tier_changes, churn_models, purchase_summary_runs,
         pickup_points, communities, members CASCADE`,
    );

  describe('overview', () => {
    let history: ReturnType<typeof insightHistory>;
    beforeAll(async () => {
      await wipe();
      history = insightHistory(t);
      const east = await history.pickupPoint('东门');
      const [alice, bob, carol, dave] = await Promise.all(
        ['alice', 'bob', 'carol', 'dave'].map((name) => history.member(name, ago(100))),
      );
      await history.member('erin', ago(5));
      await history.member('silver', ago(100), 'silver');
      // alice buys on two days, twice on one of them; bob once, with 100 fen refunded.
      await history.order(alice, east, ago(1), 100);
      await history.order(alice, east, ago(3), 200);
      await history.order(alice, east, ago(3, 2), 50);
      await history.order(bob, east, ago(2), 500, {
        state: 'partially_refunded',
        refundedFen: 100,
      });
      // Neither a cancelled nor a wholly refunded order is a purchase; nor one before the period.
      await history.order(carol, east, ago(4), 300, { state: 'cancelled' });
      await history.order(dave, east, ago(4), 300, { state: 'refunded', refundedFen: 300 });
      await history.order(carol, east, ago(40), 700);
      await t.dataSource.query(
        `INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, rule_version, created_at)
         VALUES ($1, 'regular', 'silver', 'upgrade', 1, $2), ($1, 'silver', 'regular', 'retention', 1, $3)`,
        [bob, ago(10), ago(60)],
      );
      await history.points(alice, 'earn', 500, ago(6), {
        state: 'available',
        expiresAt: ago(-300),
      });
      await history.points(alice, 'spend', -120, ago(1));
      await history.points(bob, 'earn', 80, ago(2), { state: 'pending' });
      await history.points(bob, 'clawback', -30, ago(1));
      await history.points(carol, 'expire', -40, ago(1));
      await history.points(carol, 'adjust', 25, ago(50), { state: 'available', expiresAt: ago(1) });
    });

    it('sums the last 30 days: purchases less refunds, buyers, repurchase, points moved and held, tiers', async () => {
      const { body } = await get('overview').expect(200);
      expect(body).toEqual({
        period: { from: addBusinessDays(today, -29), to: today },
        members: 6,
        newMembers: 1,
        activeMembers: 2,
        gmvFen: 100 + 200 + 50 + 400,
        orders: 4,
        repurchaseRate: 0.5,
        points: { issued: 580, clawedBack: 30, redeemed: 120, expired: 40 },
        // The spend left the lots alone here; carol's 25 have expired without the job yet.
        outstandingPoints: 500 + 80,
        liabilityFen: 580,
        tiers: [
          { tier: 'regular', members: 5 },
          { tier: 'silver', members: 1 },
        ],
        tierMovements: [{ from: 'regular', to: 'silver', members: 1 }],
      });
    });

    it('reads any period of up to 366 days, both ends included', async () => {
      const { body } = await get(
        `overview?from=${addBusinessDays(today, -60)}&to=${addBusinessDays(today, -3)}`,
      ).expect(200);
      expect(body).toMatchObject({
        gmvFen: 200 + 50 + 700,
        orders: 3,
        activeMembers: 2,
        repurchaseRate: 0,
        // erin joined 5 days ago, within it.
        members: 6,
        newMembers: 1,
        tierMovements: [
          { from: 'regular', to: 'silver', members: 1 },
          { from: 'silver', to: 'regular', members: 1 },
        ],
      });
      const oneDay = await get(
        `overview?from=${addBusinessDays(today, -3)}&to=${addBusinessDays(today, -3)}`,
      ).expect(200);
      expect(oneDay.body).toMatchObject({ gmvFen: 250, orders: 2, activeMembers: 1 });
      // Before erin joined: she is not among the period's members, but tiers are as they are now.
      const earlier = await get(
        `overview?from=${addBusinessDays(today, -60)}&to=${addBusinessDays(today, -10)}`,
      ).expect(200);
      expect(earlier.body.members).toBe(5);
      expect(earlier.body.tiers).toEqual((await get('overview').expect(200)).body.tiers);
    });

    it('refuses a period backwards, too long or badly written', async () => {
      const backwards = await get(`overview?from=${today}&to=${addBusinessDays(today, -1)}`).expect(
        400,
      );
      expect(backwards.body.error).toMatchObject({
        code: ErrorCode.ValidationFailed,
        details: { fields: { from: ['from must not be after to'] } },
      });
      await get(`overview?from=${addBusinessDays(today, -365)}&to=${today}`).expect(200);
      await get(`overview?from=${addBusinessDays(today, -366)}&to=${today}`).expect(400);
      await get('overview?from=2026-02-30').expect(400);
      await get('overview?to=20261120').expect(400);
      await get('overview?from=0000-12-31&to=0001-01-01').expect(400);
      // The day after the last is where the period ends: year 10000.
      await get('overview?from=9999-12-01&to=9999-12-31').expect(400);
      await get('leaders?from=9999-12-01&to=9999-12-31').expect(400);
    });
  });

  describe('rfm', () => {
    let members: Record<string, string>;
    beforeAll(async () => {
      await wipe();
      const history = insightHistory(t);
      const east = await history.pickupPoint('东门');
      members = {};
      // Five buyers, each a different rank on recency, frequency and spend.
      const buys: Record<string, [number[], number]> = {
        champion: [[1, 3, 5, 7, 9], 1000],
        newcomer: [[2], 100],
        wavering: [[30, 35, 40], 500],
        bigSpenderGone: [[90, 95, 100, 110], 1000],
        gone: [[300, 310], 300],
      };
      for (const [name, [days, fen]] of Object.entries(buys)) {
        members[name] = await history.member(name, ago(400));
        for (const day of days) await history.order(members[name], east, ago(day), fen);
      }
      // Two orders on one day are one purchase day; a cancelled one is none.
      await history.order(members.champion, east, ago(1, -1), 0 + 1);
      await history.order(members.newcomer, east, ago(50), 999, { state: 'cancelled' });
      await history.member('never-bought', ago(400));
    });

    it('scores buyers in quintiles and names their segments', async () => {
      const { body } = await get('rfm').expect(200);
      expect(body.asOf).toBe(today);
      expect(body.buyers).toBe(5);
      expect(body.members).toBeUndefined();
      const bySegment = Object.fromEntries(
        body.segments.map((s: { segment: string }) => [s.segment, s]),
      );
      expect(body.segments).toHaveLength(10);
      expect(bySegment.champions).toEqual({
        segment: 'champions',
        members: 1,
        share: 0.2,
        recencyDays: 1,
        frequency: 5,
        monetaryFen: 5001,
      });
      expect(bySegment.new).toMatchObject({ members: 1, recencyDays: 2, frequency: 1 });
      expect(bySegment.needs_attention).toMatchObject({
        members: 1,
        recencyDays: 30,
        frequency: 3,
      });
      expect(bySegment.cannot_lose).toMatchObject({
        members: 1,
        recencyDays: 90,
        monetaryFen: 4000,
      });
      expect(bySegment.lost).toMatchObject({ members: 1, recencyDays: 300, frequency: 2 });
      expect(bySegment.loyal).toMatchObject({ members: 0, share: 0, monetaryFen: 0 });
    });

    it('reads the day’s summaries: a purchase since counts from the next day, or the nightly refresh', async () => {
      const before = (await get('rfm').expect(200)).body;
      const history = insightHistory(t);
      const late = await history.member('late', ago(400));
      const [{ id: east }] = await t.dataSource.query(`SELECT id FROM pickup_points LIMIT 1`);
      await history.order(late, east, ago(0, -1), 100);
      expect((await get('rfm').expect(200)).body).toEqual(before);

      const clock = t.app.get(Clock);
      clock.advance(DAY_MS);
      try {
        const run = await t
          .http()
          .post('/api/v1/admin/jobs/refresh-insight/run')
          .auth(admin, { type: 'bearer' })
          .expect(200);
        expect(run.body).toMatchObject({ processed: 6, batches: 1 });
        const after = (await get('rfm').expect(200)).body;
        expect(after).toMatchObject({ asOf: addBusinessDays(today, 1), buyers: 6 });
        const [{ runs }] = await t.dataSource.query(
          `SELECT count(*)::int AS runs FROM purchase_summary_runs`,
        );
        expect(runs).toBe(1);
      } finally {
        clock.advance(-DAY_MS);
        await t.dataSource.query(`DELETE FROM orders WHERE member_id = $1`, [late]);
        await t.dataSource.query(`TRUNCATE purchase_summary_runs CASCADE`);
      }
    });

    it('lists a segment’s members with their scores', async () => {
      const { body } = await get('rfm?segment=cannot_lose').expect(200);
      expect(body.members).toEqual([
        {
          memberId: members.bigSpenderGone,
          nickname: 'bigSpenderGone',
          recencyDays: 90,
          frequency: 4,
          monetaryFen: 4000,
          recencyScore: 2,
          frequencyScore: 4,
          monetaryScore: 4,
        },
      ]);
      expect((await get('rfm?segment=loyal').expect(200)).body.members).toEqual([]);
      await get('rfm?segment=whales').expect(400);
      await get('rfm?segment=lost&limit=0').expect(400);
      await get('rfm?segment=lost&limit=201').expect(400);
    });
  });

  describe('rfm on the first days', () => {
    it('scores buyers tied on the freshest day as recent as can be: new, not lost', async () => {
      await wipe();
      const history = insightHistory(t);
      const east = await history.pickupPoint('东门');
      for (let i = 0; i < 6; i += 1)
        await history.order(
          await history.member(`first-${i}`, ago(3)),
          east,
          ago(1),
          100 * (i + 1),
        );
      const { body } = await get('rfm').expect(200);
      const bySegment = Object.fromEntries(
        body.segments.map((s: { segment: string; members: number }) => [s.segment, s.members]),
      );
      expect(bySegment).toMatchObject({ new: 6, lost: 0 });
      const { body: listed } = await get('rfm?segment=new').expect(200);
      expect(listed.members.map((m: { recencyScore: number }) => m.recencyScore)).toEqual(
        Array(6).fill(5),
      );
    });
  });

  describe('cohorts', () => {
    beforeAll(async () => {
      await wipe();
      const history = insightHistory(t);
      const east = await history.pickupPoint('东门');
      const inMonth = (back: number, day = 2) =>
        new Date(
          startOfBusinessDay(`${addMonths(today.slice(0, 7), -back)}-0${day}`).getTime() +
            10 * HOUR_MS,
        );
      const older = await history.member('older', inMonth(3));
      const [a, b, c] = await Promise.all(
        ['a', 'b', 'c'].map((n) => history.member(n, inMonth(2))),
      );
      const [d, e] = await Promise.all(['d', 'e'].map((n) => history.member(n, inMonth(1))));
      await history.order(older, east, inMonth(1), 100);
      await history.order(a, east, inMonth(2, 3), 100);
      await history.order(a, east, inMonth(2, 4), 100);
      await history.order(b, east, inMonth(2, 5), 100);
      await history.order(a, east, inMonth(1, 3), 100);
      await history.order(c, east, inMonth(0, 1), 100);
      await history.order(d, east, inMonth(1, 3), 100);
      await history.order(e, east, inMonth(1, 4), 100, { state: 'cancelled' });
    });

    it('follows each month’s new members through every month since', async () => {
      const { body } = await get('cohorts?months=3').expect(200);
      const [first, second, third] = [2, 1, 0].map((back) => addMonths(today.slice(0, 7), -back));
      expect(body).toEqual({
        cohorts: [
          {
            month: first,
            members: 3,
            retention: [
              { offset: 0, buyers: 2, rate: 0.6667 },
              { offset: 1, buyers: 1, rate: 0.3333 },
              { offset: 2, buyers: 1, rate: 0.3333 },
            ],
          },
          {
            month: second,
            members: 2,
            retention: [
              { offset: 0, buyers: 1, rate: 0.5 },
              { offset: 1, buyers: 0, rate: 0 },
            ],
          },
          { month: third, members: 0, retention: [{ offset: 0, buyers: 0, rate: 0 }] },
        ],
      });
      expect((await get('cohorts').expect(200)).body.cohorts).toHaveLength(12);
      await get('cohorts?months=0').expect(400);
      await get('cohorts?months=25').expect(400);
    });
  });

  describe('leaders', () => {
    let east: string;
    beforeAll(async () => {
      await wipe();
      const history = insightHistory(t);
      const leader = await history.member('王阿姨', ago(200));
      east = await history.pickupPoint('东门', leader);
      const west = await history.pickupPoint('西门');
      await history.pickupPoint('北门');
      const buyer = await history.member('buyer', ago(200));
      const ready = (paidDaysAgo: number, fen: number, pickedUpAfterHours: number | null) =>
        history.order(buyer, east, ago(paidDaysAgo), fen, {
          state: pickedUpAfterHours === null ? 'ready_for_pickup' : 'completed',
          readyAt: ago(paidDaysAgo - 1),
          pickedUpAt:
            pickedUpAfterHours === null ? undefined : ago(paidDaysAgo - 1, pickedUpAfterHours),
        });
      await ready(5, 1000, 2);
      await ready(6, 2000, 4);
      await ready(7, 500, 9);
      await ready(3, 700, null);
      await history.order(buyer, west, ago(2), 300);
      await history.order(buyer, east, ago(50), 9999, {
        readyAt: ago(49),
        pickedUpAt: ago(49, 1),
      });
    });

    it('ranks pickup points by sales and times how soon neighbours collect', async () => {
      const { body } = await get('leaders').expect(200);
      expect(body.pickupPoints).toEqual([
        {
          pickupPointId: east,
          pickupPointName: '东门',
          leaderNickname: '王阿姨',
          gmvFen: 4200,
          orders: 4,
          readyOrders: 4,
          pickedUpOrders: 3,
          pickupRate: 0.75,
          medianPickupDelayHours: 4,
          averagePickupDelayHours: 5,
        },
        expect.objectContaining({
          pickupPointName: '西门',
          leaderNickname: null,
          gmvFen: 300,
          orders: 1,
          readyOrders: 0,
          pickupRate: null,
          medianPickupDelayHours: null,
        }),
      ]);
    });
  });

  describe('points liability', () => {
    beforeAll(async () => {
      await wipe();
      const history = insightHistory(t);
      const member = await history.member('points', ago(400));
      const inMonths = (ahead: number) =>
        new Date(startOfBusinessDay(`${addMonths(today.slice(0, 7), ahead)}-15`).getTime());
      await history.points(member, 'earn', 300, ago(10), {
        state: 'available',
        expiresAt: inMonths(1),
      });
      await history.points(member, 'earn', 200, ago(10), {
        state: 'available',
        expiresAt: inMonths(1),
      });
      await history.points(member, 'adjust', 100, ago(70), {
        state: 'available',
        expiresAt: inMonths(12),
      });
      await history.points(member, 'earn', 40, ago(1), { state: 'pending' });
      await history.points(member, 'earn', 60, ago(400), { state: 'available', expiresAt: ago(1) });
      await history.points(member, 'spend', -90, ago(10));
      await history.points(member, 'return', 10, ago(9));
      await history.points(member, 'expire', -15, ago(70));
    });

    it('values the points members hold, by when they expire, with a year of movements', async () => {
      await t.dataSource.query(`UPDATE points_policy SET redeem_points_per_yuan = 200`);
      const { body } = await get('points-liability').expect(200);
      expect(body).toMatchObject({
        fenPerPoint: 0.5,
        available: 600,
        pending: 40,
        liabilityFen: 320,
        byExpiryMonth: [
          { month: addMonths(today.slice(0, 7), 1), points: 500, liabilityFen: 250 },
          { month: addMonths(today.slice(0, 7), 12), points: 100, liabilityFen: 50 },
        ],
      });
      expect(body.months).toHaveLength(12);
      expect(body.months[11].month).toBe(today.slice(0, 7));
      const total = (field: string) =>
        body.months.reduce((sum: number, m: Record<string, number>) => sum + m[field], 0);
      expect([total('issued'), total('redeemed'), total('expired'), total('clawedBack')]).toEqual([
        640, 80, 15, 0,
      ]);
      await t.dataSource.query(`UPDATE points_policy SET redeem_points_per_yuan = 100`);
    });

    it('counts points in the month they expired, though the job wrote their expiry after midnight', async () => {
      const member = await insightHistory(t).member('expiry', ago(400));
      const thisMonth = today.slice(0, 7);
      const lastMonth = addMonths(thisMonth, -1);
      const monthStart = startOfBusinessDay(`${thisMonth}-01`);
      // A lot at the end of last month, expired by the job at 00:05 on the 1st.
      const [lot] = await t.dataSource.query(
        `INSERT INTO point_lots (member_id, source_type, source_id, amount, remaining, state,
           available_from, expires_at, created_at)
         VALUES ($1, 'test', $2, 70, 0, 'expired', $3, $4, $3) RETURNING id`,
        [member, randomUUID(), ago(400), new Date(monthStart.getTime() - 1)],
      );
      const [entry] = await t.dataSource.query(
        `INSERT INTO point_entries (member_id, type, amount, operation_key, source_type, source_id, created_at)
         VALUES ($1, 'expire', -70, $2, 'test', $2, $3) RETURNING id`,
        [member, `expire:${lot.id}`, new Date(monthStart.getTime() + 5 * 60_000)],
      );
      await t.dataSource.query(
        `INSERT INTO point_allocations (entry_id, lot_id, amount) VALUES ($1, $2, -70)`,
        [entry.id, lot.id],
      );
      const { body } = await get('points-liability').expect(200);
      const month = (m: string) => body.months.find((row: { month: string }) => row.month === m);
      expect(month(lastMonth).expired).toBe(70);
      expect(month(thisMonth).expired).toBe(0);
      const lastDay = addBusinessDays(`${thisMonth}-01`, -1);
      const overview = await get(`overview?from=${lastMonth}-01&to=${lastDay}`).expect(200);
      expect(overview.body.points.expired).toBe(70);
      const now = await get(`overview?from=${thisMonth}-01&to=${today}`).expect(200);
      expect(now.body.points.expired).toBe(0);
    });
  });

  describe('churn', () => {
    const members: Record<string, string> = {};
    const churn = (query = '') => get(`churn${query}`).expect(200);
    const stageOf = async (stage: string) =>
      (await churn(`?stage=${stage}&limit=200`)).body.members as {
        memberId: string;
        stage: string;
        probabilityAlive: number;
        expectedPurchases90d: number;
        expectedPurchaseFen: number;
        lastPurchaseDay: string;
      }[];

    beforeAll(async () => {
      await wipe();
    });

    it('has no model before 30 members have bought', async () => {
      const { body } = await churn('?stage=active');
      expect(body.model).toBeNull();
      expect(body.members).toEqual([]);
      expect(body.stages.map((s: { members: number }) => s.members)).toEqual([0, 0, 0, 0, 0]);

      const history = insightHistory(t);
      const east = await history.pickupPoint('东门');
      for (let i = 0; i < 29; i++)
        await history.order(await history.member(`early-${i}`, ago(100)), east, ago(i + 1), 500);
      await t.dataSource.query(`TRUNCATE purchase_summary_runs CASCADE`);
      expect((await churn()).body.model).toBeNull();
      await wipe();
    });

    describe('with two years of neighbours buying', () => {
      beforeAll(async () => {
        const history = insightHistory(t);
        const east = await history.pickupPoint('东门');
        const buyer = async (name: string, days: number[], fen = 1000) => {
          members[name] = await history.member(name, ago(800));
          for (const day of days) await history.order(members[name], east, ago(day), fen);
        };
        const every = (step: number, from: number, to: number) => {
          const days: number[] = [];
          for (let day = from; day >= to; day -= step) days.push(day);
          return days;
        };
        // A population with every kind of habit, for the model to learn from.
        for (let i = 0; i < 60; i++) {
          const step = 3 + (i % 20);
          const from = 700 - ((i * 37) % 400);
          const to = i % 3 === 0 ? from - 150 : i % 7;
          await buyer(`neighbour-${i}`, every(step, from, Math.max(to, 0)), 500 + (i % 9) * 200);
        }
        await buyer('steady', every(7, 365, 1));
        await buyer('newcomer', [5]);
        await buyer('wonBack', [300, 290, 10]);
        await buyer('goneFrequent', every(5, 600, 300));
        await buyer('onceLongAgo', [400]);
        await buyer('onceAWhileAgo', [100]);
      });

      it('fits BG/NBD and Gamma-Gamma on every buyer, once a day, whoever asks at the same time', async () => {
        const answers = await Promise.all([1, 2, 3, 4, 5].map(() => churn()));
        const [{ body }] = answers;
        expect(body.model).toMatchObject({ asOf: today, unit: 'day', customers: 66 });
        for (const value of [
          ...Object.values(body.model.bgnbd),
          ...Object.values(body.model.gammaGamma),
        ])
          expect(value).toBeGreaterThan(0);
        for (const answer of answers) expect(answer.body.model).toEqual(body.model);
        const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM churn_models`);
        expect(n).toBe(1);
        const stageTotal = body.stages.reduce(
          (sum: number, s: { members: number }) => sum + s.members,
          0,
        );
        expect(stageTotal).toBe(66);
      });

      it('puts each buyer in the stage their habits say, with their expected next 90 days', async () => {
        const find = async (stage: string, name: string) =>
          (await stageOf(stage)).find((m) => m.memberId === members[name]);
        const steady = await find('active', 'steady');
        expect(steady).toMatchObject({ lastPurchaseDay: addBusinessDays(today, -1) });
        expect(steady!.probabilityAlive).toBeGreaterThan(0.9);
        expect(steady!.expectedPurchases90d).toBeGreaterThan(6);
        expect(steady!.expectedPurchaseFen).toBeGreaterThan(700);
        expect(steady!.expectedPurchaseFen).toBeLessThan(1200);
        expect(await find('new', 'newcomer')).toBeDefined();
        expect(await find('won_back', 'wonBack')).toBeDefined();
        const gone = await find('churned', 'goneFrequent');
        expect(gone!.probabilityAlive).toBeLessThan(0.3);
        expect(gone!.expectedPurchases90d).toBeLessThan(steady!.expectedPurchases90d / 10);
        expect(await find('churned', 'onceLongAgo')).toBeDefined();
        expect(await find('at_risk', 'onceAWhileAgo')).toBeDefined();
        const listed = await stageOf('active');
        const spend = listed.map((m) => m.expectedPurchases90d * m.expectedPurchaseFen);
        expect(spend).toEqual([...spend].sort((a, b) => b - a));
        expect((await churn('?stage=active&limit=2')).body.members).toHaveLength(2);
      });

      it('refuses an unknown stage or limit', async () => {
        await get('churn?stage=zombie').expect(400);
        await get('churn?stage=active&limit=0').expect(400);
      });
    });
  });

  it('is for operators only', async () => {
    const shopper = await loginMember(t, `insight-${randomUUID().slice(0, 6)}`);
    for (const path of ['overview', 'rfm', 'cohorts', 'leaders', 'points-liability', 'churn']) {
      await get(path, shopper.accessToken).expect(403);
      await t.http().get(`/api/v1/admin/analytics/${path}`).expect(401);
    }
  });
});
