import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock';
import { RequestContext } from '../src/common/request-context';
import { NotificationDispatcher } from '../src/modules/notifications/notification-dispatcher.service';
import {
  NewNotification,
  NotificationsService,
} from '../src/modules/notifications/notifications.service';
import { RecordingNotificationSender } from '../src/modules/notifications/recording-notification.sender';
import { FakeSubscribeMessages, startFakeSubscribeMessages } from './support/fake-wechat';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

const MINUTE_MS = 60_000;

/** Writes notices to the outbox as the business modules do, in a transaction of their own. */
function outbox(t: TestApp) {
  const service = t.app.get(NotificationsService);
  return (notices: (NewNotification & { memberId: string })[]) =>
    t.dataSource.transaction((manager) =>
      service.notifyMany(RequestContext.forSystem('test', manager), notices),
    );
}

async function deliveryOf(t: TestApp, dedupeKey: string) {
  const [row] = await t.dataSource.query(
    `SELECT delivery, delivery_attempts, next_attempt_at, delivery_error, delivered_at
     FROM notifications WHERE dedupe_key = $1`,
    [dedupeKey],
  );
  return row as {
    delivery: string;
    delivery_attempts: number;
    next_attempt_at: Date;
    delivery_error: string | null;
    delivered_at: Date | null;
  };
}

const notice = (memberId: string, key: string, over: Partial<NewNotification> = {}) => ({
  memberId,
  kind: 'order_ready' as const,
  dedupeKey: key,
  title: '到货啦',
  body: '请到自提点取货',
  ...over,
});

describe('notifications: the outbox is pushed once per notice', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  it('pushes every due notice exactly once, even with several dispatchers at the same time', async () => {
    const members = await Promise.all(['ah', 'bo', 'ci'].map((name) => loginMember(t, name)));
    const notices = Array.from({ length: 120 }, (_, i) =>
      notice(members[i % 3].member.id, `bulk-${i}`, { body: `第 ${i} 条` }),
    );
    await outbox(t)(notices);
    const recording = t.app.get(RecordingNotificationSender);
    const dispatcher = t.app.get(NotificationDispatcher);
    const processed = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.dataSource.transaction((manager) =>
          dispatcher.dispatchDue(RequestContext.forSystem('dispatch-notifications', manager), 30),
        ),
      ),
    );
    expect(processed.reduce((a, b) => a + b, 0)).toBe(120);
    const ids = recording.sent.map((n) => n.id);
    expect(new Set(ids).size).toBe(120);
    const [{ sent }] = await t.dataSource.query(
      `SELECT count(*)::int AS sent FROM notifications WHERE delivery = 'sent' AND delivered_at IS NOT NULL`,
    );
    expect(sent).toBe(120);

    // Run again from the admin endpoint: nothing is due, nothing is pushed twice.
    const run = await t
      .http()
      .post('/api/v1/admin/jobs/dispatch-notifications/run')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded', processed: 0 });
    expect(recording.sent).toHaveLength(120);
  });
});

describe('notifications: points about to expire', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  it('tells a member once, a policy-set number of days ahead, how many points run out', async () => {
    const { member, accessToken } = await loginMember(t, 'expiring-eva');
    for (const points of [300, 200]) {
      await t
        .http()
        .post(`/api/v1/admin/members/${member.id}/points-adjustments`)
        .auth(admin, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ points, reason: '新人礼包' })
        .expect(201);
    }
    const [{ expires_at: expiresAt, day }] = await t.dataSource.query(
      `SELECT max(expires_at) AS expires_at,
              to_char(max(expires_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
       FROM point_lots WHERE member_id = $1`,
      [member.id],
    );
    const [{ expiry_notice_days: noticeDays }] = await t.dataSource.query(
      `SELECT expiry_notice_days FROM points_policy WHERE id = 1`,
    );
    const run = async () =>
      (
        await t
          .http()
          .post('/api/v1/admin/jobs/notify-expiring-points/run')
          .auth(admin, { type: 'bearer' })
          .expect(200)
      ).body.processed as number;

    const clock = t.app.get(Clock);
    const untilExpiry = () => new Date(expiresAt).getTime() - clock.now().getTime();
    // The evening of the day before the notice is due: expiry is one day too far off.
    clock.advance(untilExpiry() - (noticeDays + 1) * 86_400_000 - 3_600_000);
    expect(await run()).toBe(0);

    clock.advance(2 * 86_400_000);
    expect(await run()).toBe(1);
    expect(await run()).toBe(0);
    const notices = await t
      .http()
      .get('/api/v1/me/notifications')
      .auth(accessToken, { type: 'bearer' })
      .expect(200);
    expect(notices.body.items).toEqual([
      expect.objectContaining({
        kind: 'points_expiring',
        title: `500 积分将于 ${day} 过期`,
        data: { points: 500, expiresOn: day },
      }),
    ]);
  });

  it('tells a member on the morning exactly the policy days before a month-end expiry', async () => {
    const { member } = await loginMember(t, 'expiring-fang');
    await t
      .http()
      .post(`/api/v1/admin/members/${member.id}/points-adjustments`)
      .auth(admin, { type: 'bearer' })
      .set('Idempotency-Key', randomUUID())
      .send({ points: 120, reason: '新人礼包' })
      .expect(201);
    const [{ day, after }] = await t.dataSource.query(
      `SELECT to_char(expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
              to_char((expires_at + interval '1 millisecond') AT TIME ZONE 'Asia/Shanghai', 'DD HH24:MI') AS after
       FROM point_lots WHERE member_id = $1`,
      [member.id],
    );
    const [{ expiry_notice_days: noticeDays }] = await t.dataSource.query(
      `SELECT expiry_notice_days FROM points_policy WHERE id = 1`,
    );
    // The lot ends at 23:59:59 Shanghai on the last day of a month; the job runs at 10:00.
    expect(after).toBe('01 00:00');
    const morning = new Date(`${day}T10:00:00+08:00`).getTime() - noticeDays * 86_400_000;
    const clock = t.app.get(Clock);
    clock.advance(morning - clock.now().getTime());
    await t
      .http()
      .post('/api/v1/admin/jobs/notify-expiring-points/run')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    const notices = await t.dataSource.query(
      `SELECT title FROM notifications WHERE member_id = $1 AND kind = 'points_expiring'`,
      [member.id],
    );
    expect(notices).toEqual([{ title: `120 积分将于 ${day} 过期` }]);
  });
});

describe('notifications: WeChat subscribe messages', () => {
  let t: TestApp;
  let fake: FakeSubscribeMessages;
  let admin: string;
  let member: { id: string; openid: string };
  beforeAll(async () => {
    fake = await startFakeSubscribeMessages('wx-linli', 'wx-linli-secret');
    t = await startTestApp({
      NOTIFICATION_PROVIDER: 'wechat',
      WECHAT_APP_ID: 'wx-linli',
      WECHAT_APP_SECRET: 'wx-linli-secret',
      WECHAT_API_BASE: fake.url,
      WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify({
        order_ready: { templateId: 'tpl-ready', title: 'thing1', body: 'thing2' },
      }),
      NOTIFICATION_MAX_ATTEMPTS: '3',
      NOTIFICATION_RETRY_BASE_SECONDS: '60',
    });
    admin = await loginAdmin(t);
    const login = await loginMember(t, 'xiaomei');
    const [row] = await t.dataSource.query(`SELECT openid FROM members WHERE id = $1`, [
      login.member.id,
    ]);
    member = { id: login.member.id, openid: row.openid };
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const dispatch = async () =>
    (
      await t
        .http()
        .post('/api/v1/admin/jobs/dispatch-notifications/run')
        .auth(admin, { type: 'bearer' })
        .expect(200)
    ).body as { processed: number };

  it('sends through the template with a cached token; refusals and kinds without a template are not retried', async () => {
    const orderId = '2f9d7a44-3c41-4a55-9f0e-7d2d7f1f6b10';
    await outbox(t)([
      notice(member.id, 'ready-1', {
        title: '千岛湖鱼头到货啦',
        body: '请在今天 20:00 前到翠苑一区自提点取货，过时请联系团长',
        data: { orderId },
      }),
      notice(member.id, 'ready-refused', { title: '拒收：到货啦' }),
      notice(member.id, 'refund-1', { kind: 'refund_decided', title: '退款成功' }),
    ]);
    expect(await dispatch()).toMatchObject({ processed: 3 });

    expect(fake.delivered).toHaveLength(1);
    const [message] = fake.delivered;
    expect(message).toMatchObject({
      touser: member.openid,
      template_id: 'tpl-ready',
      page: `subpackages/shop/order/index?id=${orderId}`,
      data: { thing1: { value: '千岛湖鱼头到货啦' } },
    });
    // A "thing" field holds 20 characters: the body is cut with an ellipsis.
    expect(Array.from(message.data.thing2.value)).toHaveLength(20);
    expect(message.data.thing2.value.endsWith('…')).toBe(true);

    expect(await deliveryOf(t, 'ready-1')).toMatchObject({
      delivery: 'sent',
      delivery_attempts: 1,
    });
    const refused = await deliveryOf(t, 'ready-refused');
    expect(refused).toMatchObject({ delivery: 'skipped', delivered_at: null });
    expect(refused.delivery_error).toContain('43101');
    expect((await deliveryOf(t, 'refund-1')).delivery).toBe('skipped');

    await outbox(t)([notice(member.id, 'ready-2')]);
    await dispatch();
    expect(fake.delivered).toHaveLength(2);
    expect(fake.tokenRequests).toEqual([{ force_refresh: false }]);
    expect(await dispatch()).toMatchObject({ processed: 0 });
  });

  it('fetches a fresh token when WeChat refuses the cached one, and sends again', async () => {
    fake.expireToken();
    await outbox(t)([notice(member.id, 'ready-after-expiry')]);
    await dispatch();
    expect(await deliveryOf(t, 'ready-after-expiry')).toMatchObject({ delivery: 'sent' });
    expect(fake.tokenRequests.at(-1)).toEqual({ force_refresh: true });
  });

  it('forces one fresh token for all the sends WeChat refused with the same stale one', async () => {
    fake.expireToken();
    const before = fake.tokenRequests.length;
    // The late send is refused with the stale token after the other has been sent again with a
    // fresh one: it uses that fresh token too, where a second forced refresh would be asked for.
    await outbox(t)([
      notice(member.id, 'ready-late', { title: '迟到：到货啦' }),
      notice(member.id, 'ready-on-time'),
    ]);
    await dispatch();
    expect(await deliveryOf(t, 'ready-late')).toMatchObject({ delivery: 'sent' });
    expect(await deliveryOf(t, 'ready-on-time')).toMatchObject({ delivery: 'sent' });
    expect(fake.tokenRequests.slice(before)).toEqual([{ force_refresh: true }]);
  });

  it('retries a failing send after growing waits and gives up after the last try', async () => {
    const clock = t.app.get(Clock);
    await outbox(t)([notice(member.id, 'ready-broken', { title: '故障：到货啦' })]);
    const started = clock.now().getTime();

    await dispatch();
    let row = await deliveryOf(t, 'ready-broken');
    expect(row).toMatchObject({ delivery: 'pending', delivery_attempts: 1 });
    expect(row.delivery_error).toContain('-1');
    expect(row.next_attempt_at.getTime() - started).toBeGreaterThanOrEqual(MINUTE_MS);

    // Not due yet: nothing happens.
    await dispatch();
    expect((await deliveryOf(t, 'ready-broken')).delivery_attempts).toBe(1);

    clock.advance(MINUTE_MS + 1000);
    await dispatch();
    row = await deliveryOf(t, 'ready-broken');
    expect(row).toMatchObject({ delivery: 'pending', delivery_attempts: 2 });
    expect(row.next_attempt_at.getTime() - clock.now().getTime()).toBeGreaterThan(
      2 * MINUTE_MS - 5000,
    );

    clock.advance(2 * MINUTE_MS + 1000);
    await dispatch();
    expect(await deliveryOf(t, 'ready-broken')).toMatchObject({
      delivery: 'failed',
      delivery_attempts: 3,
    });
    clock.advance(60 * MINUTE_MS);
    expect(await dispatch()).toMatchObject({ processed: 0 });
  });
});

describe('notifications: the inbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const unread = async (token: string) =>
    (await t.http().get('/api/v1/me/notifications/unread').set(as(token)).expect(200)).body.unread;
  const markRead = (token: string, ids: unknown) =>
    t.http().post('/api/v1/me/notifications/read').set(as(token)).send({ ids });
  const markAllRead = (token: string, upTo: unknown) =>
    t.http().post('/api/v1/me/notifications/read-all').set(as(token)).send({ upTo });

  it('counts what the member has not read, and marks what they have seen read, once', async () => {
    const [reader, neighbour] = await Promise.all(
      ['inbox-reader', 'inbox-neighbour'].map((name) => loginMember(t, name)),
    );
    const token = reader.accessToken;
    await outbox(t)([
      ...[1, 2, 3].map((i) => notice(reader.member.id, `inbox-${i}-${randomUUID()}`)),
      notice(neighbour.member.id, `inbox-other-${randomUUID()}`),
    ]);
    expect(await unread(token)).toBe(3);
    const inbox = await t.http().get('/api/v1/me/notifications').set(as(token)).expect(200);
    expect(inbox.body.items.map((n: { read: boolean }) => n.read)).toEqual([false, false, false]);
    const [newest, ...older] = inbox.body.items.map((n: { id: string }) => n.id);

    expect((await markRead(token, older).expect(200)).body).toEqual({ unread: 1 });
    expect((await markRead(token, older).expect(200)).body).toEqual({ unread: 1 });
    const after = await t.http().get('/api/v1/me/notifications').set(as(token)).expect(200);
    expect(after.body.items.map((n: { read: boolean }) => n.read)).toEqual([false, true, true]);
    const [{ read_at }] = await t.dataSource.query(
      `SELECT read_at FROM notifications WHERE id = $1`,
      [older[0]],
    );
    expect(read_at).not.toBeNull();

    // Another member's notice is not theirs to mark: it stays unread for its member.
    const theirs = await t
      .http()
      .get('/api/v1/me/notifications')
      .set(as(neighbour.accessToken))
      .expect(200);
    expect((await markRead(token, [theirs.body.items[0].id, newest]).expect(200)).body).toEqual({
      unread: 0,
    });
    expect(await unread(neighbour.accessToken)).toBe(1);
  });

  it('marks a notice read while WeChat is still being asked to push it', async () => {
    const reader = await loginMember(t, 'inbox-slow-push');
    await outbox(t)([notice(reader.member.id, `inbox-slow-${randomUUID()}`)]);
    const [{ id }] = (await t.http().get('/api/v1/me/notifications').set(as(reader.accessToken)))
      .body.items;
    // WeChat takes its time over the push.
    let answer: () => void = () => undefined;
    const pushing = new Promise<void>((resolve) => (answer = resolve));
    const sender = t.app.get(RecordingNotificationSender);
    const send = jest.spyOn(sender, 'send').mockImplementation(async () => {
      await pushing;
      return { status: 'sent' };
    });
    try {
      // In a batch's transaction, as the job runner runs it.
      const dispatcher = t.app.get(NotificationDispatcher);
      const dispatching = t.dataSource.transaction((manager) =>
        dispatcher.dispatchDue(RequestContext.forSystem('test', manager), 10),
      );
      while (send.mock.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
      const read = markRead(reader.accessToken, [id]).then((r) => r.status);
      let timer: NodeJS.Timeout | undefined;
      const first = await Promise.race([
        read.then((status) => `read ${status}`),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 5_000))),
      ]);
      clearTimeout(timer);
      expect(first).toBe('read 200');
      answer();
      expect(await dispatching).toBeGreaterThanOrEqual(1);
      expect(await unread(reader.accessToken)).toBe(0);
    } finally {
      answer();
      send.mockRestore();
    }
  });

  it('marks every notice up to the newest one seen read, older pages included, and none that came after', async () => {
    const [reader, neighbour] = await Promise.all(
      ['inbox-all-reader', 'inbox-all-neighbour'].map((name) => loginMember(t, name)),
    );
    const token = reader.accessToken;
    // Three days of notices, oldest first, then one for the neighbour.
    const days = [3, 2, 1];
    for (const day of days) {
      const key = `inbox-all-${day}-${randomUUID()}`;
      await outbox(t)([notice(reader.member.id, key)]);
      await t.dataSource.query(
        `UPDATE notifications SET created_at = now() - make_interval(days => $2) WHERE dedupe_key = $1`,
        [key, day],
      );
    }
    await outbox(t)([notice(neighbour.member.id, `inbox-all-other-${randomUUID()}`)]);
    const page = async (accessToken: string) =>
      (await t.http().get('/api/v1/me/notifications').set(as(accessToken)).expect(200)).body
        .items as { id: string; read: boolean }[];
    const [newest, middle] = await page(token);
    const theirs = (await page(neighbour.accessToken))[0];

    // Someone else's notice as the newest seen: nothing of anyone's changes.
    expect((await markAllRead(token, theirs.id).expect(200)).body).toEqual({ unread: 3 });
    expect((await markAllRead(token, randomUUID()).expect(200)).body).toEqual({ unread: 3 });
    expect(await unread(neighbour.accessToken)).toBe(1);

    // Seen down to the middle one (as if the newest had come in after the inbox showed).
    expect((await markAllRead(token, middle.id).expect(200)).body).toEqual({ unread: 1 });
    expect((await page(token)).map((n) => n.read)).toEqual([false, true, true]);
    // A notice arriving now stays unread when the inbox, shown before it came, is marked read.
    await outbox(t)([notice(reader.member.id, `inbox-all-later-${randomUUID()}`)]);
    expect((await markAllRead(token, newest.id).expect(200)).body).toEqual({ unread: 1 });
    expect((await page(token)).map((n) => n.read)).toEqual([false, true, true, true]);
    expect((await markAllRead(token, newest.id).expect(200)).body).toEqual({ unread: 1 });
    expect(await unread(neighbour.accessToken)).toBe(1);
  });

  it('refuses bad lists of ids, and callers without a log-in', async () => {
    const { accessToken } = await loginMember(t, 'inbox-bad');
    const id = randomUUID();
    for (const ids of [undefined, [], 'x', ['not-a-uuid'], [id, id], Array(101).fill(id)]) {
      expect((await markRead(accessToken, ids).expect(400)).body.error.code).toBe(
        'VALIDATION_FAILED',
      );
    }
    for (const upTo of [undefined, 'x', 42]) {
      expect((await markAllRead(accessToken, upTo).expect(400)).body.error.code).toBe(
        'VALIDATION_FAILED',
      );
    }
    await t.http().get('/api/v1/me/notifications/unread').expect(401);
    await t.http().post('/api/v1/me/notifications/read-all').send({ upTo: id }).expect(401);
    await t
      .http()
      .post('/api/v1/me/notifications/read')
      .send({ ids: [id] })
      .expect(401);
  });
});
