import { addBusinessDays, businessDay } from '@linli/domain';
import { Clock } from '../src/common/clock';
import { RequestContext } from '../src/common/request-context';
import { BirthdaysService } from '../src/modules/engagement/birthdays.service';
import { loginAdmin, loginMember, startOfMorning, startTestApp, TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe('birthdays (PUT /me/birthday) and the birthday gift', () => {
  let t: TestApp;
  let admin: string;
  let clock: Clock;
  const today = () => businessDay(clock.now());
  const yearsAgo = (day: string, years: number) =>
    `${Number(day.slice(0, 4)) - years}${day.slice(4)}`;
  const as = (token: string) => ({
    set: (birthday: unknown) =>
      t.http().put('/api/v1/me/birthday').auth(token, { type: 'bearer' }).send({ birthday }),
    me: async () =>
      (await t.http().get('/api/v1/me').auth(token, { type: 'bearer' }).expect(200)).body,
    available: async () =>
      (await t.http().get('/api/v1/me/points').auth(token, { type: 'bearer' }).expect(200)).body
        .available as number,
  });
  const runGifts = () =>
    t
      .http()
      .post('/api/v1/admin/jobs/give-birthday-gifts/run')
      .auth(admin, { type: 'bearer' })
      .expect(200);
  const giftsOf = (memberId: string) =>
    t.dataSource.query(
      `SELECT year, tier, points FROM birthday_gifts WHERE member_id = $1 ORDER BY year`,
      [memberId],
    );

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    clock = startOfMorning(t);
  });
  afterAll(() => t.close());

  it('sets a birthday, shows it on /me, and lets it change again only a year later', async () => {
    const ann = as((await loginMember(t, 'birthday-ann')).accessToken);
    expect(await ann.me()).toMatchObject({ birthday: null, birthdayChangeableFrom: null });
    const nextYear = yearsAgo(today(), -1);
    const set = await ann.set('1990-05-17').expect(200);
    expect(set.body).toEqual({
      birthday: '1990-05-17',
      changeableFrom: nextYear,
      giftPoints: 50,
    });
    expect(await ann.me()).toMatchObject({
      birthday: '1990-05-17',
      birthdayChangeableFrom: nextYear,
    });

    // The same day again is no change, and does not restart the year.
    clock.advance(DAY_MS);
    expect((await ann.set('1990-05-17').expect(200)).body.changeableFrom).toBe(nextYear);
    const locked = await ann.set('1990-05-18').expect(409);
    expect(locked.body.error).toMatchObject({
      code: 'BIRTHDAY_LOCKED',
      details: { changeableFrom: nextYear },
    });

    clock.advance(364 * DAY_MS);
    expect(today()).toBe(nextYear);
    const changed = await ann.set('1990-05-18').expect(200);
    expect(changed.body).toMatchObject({
      birthday: '1990-05-18',
      changeableFrom: yearsAgo(nextYear, -1),
    });
  });

  it('keeps one of ten different birthdays sent at once', async () => {
    const { accessToken, member } = await loginMember(t, 'birthday-burst');
    const bo = as(accessToken);
    const days = Array.from({ length: 10 }, (_, i) => `1985-03-${String(10 + i)}`);
    const responses = await Promise.all(days.map((day) => bo.set(day)));
    const accepted = responses.filter((r) => r.status === 200);
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    const [row] = await t.dataSource.query(`SELECT birthday FROM members WHERE id = $1`, [
      member.id,
    ]);
    expect(row.birthday).toBe(accepted[0].body.birthday);
  });

  it.each([
    ['1990-02-30', 'birthday must be a day, YYYY-MM-DD'],
    ['1990-5-17', 'birthday must be a day, YYYY-MM-DD'],
    ['tomorrow', 'birthday must be a day, YYYY-MM-DD'],
    ['1899-12-31', 'birthday cannot be before 1900'],
  ])('refuses %s', async (birthday, problem) => {
    const cy = as((await loginMember(t, 'birthday-cy')).accessToken);
    const response = await cy.set(birthday).expect(400);
    expect(response.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: { birthday: [problem] } },
    });
  });

  it('refuses a birthday after today, a missing one and one that is not text', async () => {
    const cy = as((await loginMember(t, 'birthday-cy')).accessToken);
    await cy.set(addBusinessDays(today(), 1)).expect(400);
    await cy.set(undefined).expect(400);
    await cy.set(19900517).expect(400);
    await t.http().put('/api/v1/me/birthday').send({ birthday: '1990-05-17' }).expect(401);
    await t
      .http()
      .put('/api/v1/me/birthday')
      .auth(admin, { type: 'bearer' })
      .send({ birthday: '1990-05-17' })
      .expect(403);
  });

  it('gives the tier’s birthday points once a year, on the day or within a week after, with a notice', async () => {
    const members = await Promise.all(
      ['today', 'week', 'late', 'soon', 'gold'].map((name) => loginMember(t, `birthday-${name}`)),
    );
    const [onDay, sixDaysAgo, eightDaysAgo, tomorrow, gold] = members;
    const birthdays = [
      yearsAgo(today(), 30),
      yearsAgo(addBusinessDays(today(), -6), 30),
      yearsAgo(addBusinessDays(today(), -8), 30),
      yearsAgo(addBusinessDays(today(), 1), 30),
      yearsAgo(today(), 40),
    ];
    for (const [i, m] of members.entries()) await as(m.accessToken).set(birthdays[i]).expect(200);
    await t
      .http()
      .post(`/api/v1/admin/members/${gold.member.id}/tier`)
      .auth(admin, { type: 'bearer' })
      .send({ tier: 'gold', until: addBusinessDays(today(), 30), reason: '社区合伙人' })
      .expect(200);

    await runGifts();
    await runGifts();
    const year = Number(today().slice(0, 4));
    expect(await as(onDay.accessToken).available()).toBe(50);
    expect(await as(sixDaysAgo.accessToken).available()).toBe(50);
    expect(await as(eightDaysAgo.accessToken).available()).toBe(0);
    expect(await as(tomorrow.accessToken).available()).toBe(0);
    expect(await as(gold.accessToken).available()).toBe(300);
    expect(await giftsOf(onDay.member.id)).toEqual([{ year, tier: 'regular', points: 50 }]);
    expect(await giftsOf(gold.member.id)).toEqual([{ year, tier: 'gold', points: 300 }]);

    const inbox = await t
      .http()
      .get('/api/v1/me/notifications')
      .auth(onDay.accessToken, { type: 'bearer' })
      .expect(200);
    expect(inbox.body.items).toEqual([
      expect.objectContaining({
        kind: 'birthday_gift',
        title: '生日快乐',
        body: '邻里送你 50 积分生日礼，下单时可以抵扣现金',
      }),
    ]);
    const entries = await t
      .http()
      .get('/api/v1/me/points/entries')
      .auth(onDay.accessToken, { type: 'bearer' })
      .expect(200);
    expect(entries.body.items).toEqual([
      expect.objectContaining({
        type: 'earn',
        amount: 50,
        sourceType: 'birthday',
        reason: '生日礼',
      }),
    ]);

    // Tomorrow is the next member's day.
    clock.advance(DAY_MS);
    await runGifts();
    expect(await as(tomorrow.accessToken).available()).toBe(50);
    expect(await as(onDay.accessToken).available()).toBe(50);
  });

  it('gives each gift once when two batches run at the same moment', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `birthday-race-${i}`);
    const members = await Promise.all(names.map((name) => loginMember(t, name)));
    for (const m of members) await as(m.accessToken).set(yearsAgo(today(), 20)).expect(200);
    const birthdays = t.app.get(BirthdaysService);
    const batch = () =>
      t.dataSource.transaction((manager) =>
        birthdays.giveDueGifts(RequestContext.forSystem('test', manager), 100),
      );
    await Promise.all([batch(), batch(), batch()]);
    const [counts] = await t.dataSource.query(
      `SELECT count(*)::int AS gifts, COALESCE(sum(points), 0)::int AS points,
              (SELECT count(*)::int FROM point_lots l WHERE l.member_id = ANY($1) AND l.source_type = 'birthday') AS lots
       FROM birthday_gifts WHERE member_id = ANY($1)`,
      [members.map((m) => m.member.id)],
    );
    expect(counts).toEqual({ gifts: 30, points: 1500, lots: 30 });
  });

  it('keeps 29 February on 28 February outside leap years', async () => {
    const leapling = await loginMember(t, 'birthday-leapling');
    await as(leapling.accessToken).set('2000-02-29').expect(200);
    // On to the next 28 February of a year that is not a leap year.
    while (!/^\d{4}-02-28$/.test(today()) || Number(today().slice(0, 4)) % 4 === 0)
      clock.advance(DAY_MS);
    await runGifts();
    expect(await as(leapling.accessToken).available()).toBe(50);
    expect(await giftsOf(leapling.member.id)).toEqual([
      { year: Number(today().slice(0, 4)), tier: 'regular', points: 50 },
    ]);
  });
});
