import { businessDay } from '@linli/domain';
import { Client } from 'pg';
import { ErrorCode } from '@linli/shared';
import { RequestContext } from '../src/common/request-context';
import { AppException } from '../src/common/errors/app-exception';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { PointsLedger } from '../src/modules/points/points-ledger.service';
import { MemberBenefitsService } from '../src/modules/tiers/member-benefits.service';
import { MemberCodeService } from '../src/modules/tiers/member-code.service';
import { MemberTiersService } from '../src/modules/tiers/member-tiers.service';
import { TierRulesService } from '../src/modules/tiers/tier-rules.service';
import { lockWaits } from './support/lock-waits';
import { HOUR_MS } from './support/fulfilment-fixtures';
import { DAY_MS, pointsOf } from './support/points-helpers';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('member tiers', () => {
  let t: TestApp;
  let admin: string;
  let grow: (memberId: string, source: string, amount: number) => Promise<void>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    const tiers = t.app.get(MemberTiersService);
    const connection = t.app.get(TransactionalConnection);
    grow = (memberId, source, amount) =>
      connection.withTransaction(RequestContext.forSystem('test'), (ctx) =>
        tiers.recordGrowth(ctx, memberId, { type: 'order', id: source }, amount),
      );
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const memberCard = (token: string) =>
    t.http().get('/api/v1/me/member-card').set(as(token)).expect(200);

  describe('tier rules as versions', () => {
    type Tier = { code: string; threshold: number };
    /** A new draft, a copy of the rules in force. */
    const newDraft = async (): Promise<{ version: number; tiers: Tier[] }> =>
      (await t.http().post('/api/v1/admin/tier-rules').set(as(admin)).send({}).expect(201)).body;

    it('starts with the default tiers published as version 1', async () => {
      const res = await t.http().get('/api/v1/admin/tier-rules').set(as(admin)).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ version: 1, status: 'published' });
      expect(
        res.body.items[0].tiers.map((tier: { code: string; threshold: number }) => [
          tier.code,
          tier.threshold,
        ]),
      ).toEqual([
        ['regular', 0],
        ['silver', 500],
        ['gold', 2000],
        ['diamond', 6000],
      ]);
    });

    it('drafts, edits, simulates and publishes a version; published versions never change', async () => {
      const draft = await t
        .http()
        .post('/api/v1/admin/tier-rules')
        .set(as(admin))
        .send({})
        .expect(201);
      expect(draft.body).toMatchObject({ version: 2, status: 'draft', publishedAt: null });
      const tiers = draft.body.tiers.map((tier: { code: string }) =>
        tier.code === 'silver' ? { ...tier, threshold: 400 } : tier,
      );
      await t.http().put('/api/v1/admin/tier-rules/2').set(as(admin)).send({ tiers }).expect(200);

      const near = await loginMember(t, 'tier-near');
      const far = await loginMember(t, 'tier-far');
      await grow(near.member.id, 'near-1', 450);
      await grow(far.member.id, 'far-1', 100);
      const simulation = await t
        .http()
        .post('/api/v1/admin/tier-rules/2/simulate')
        .set(as(admin))
        .expect(200);
      expect(simulation.body).toMatchObject({ version: 2, moving: 1 });
      expect(simulation.body.movements).toEqual(
        expect.arrayContaining([
          { from: 'regular', to: 'silver', members: 1 },
          expect.objectContaining({ from: 'regular', to: 'regular' }),
        ]),
      );
      const [{ tier }] = await t.dataSource.query(`SELECT tier FROM members WHERE id = $1`, [
        near.member.id,
      ]);
      expect(tier).toBe('regular');

      const published = await t
        .http()
        .post('/api/v1/admin/tier-rules/2/publish')
        .set(as(admin))
        .expect(200);
      expect(published.body).toMatchObject({
        version: 2,
        status: 'published',
        publishedAt: expect.any(String),
      });
      const again = await t
        .http()
        .put('/api/v1/admin/tier-rules/2')
        .set(as(admin))
        .send({ tiers })
        .expect(409);
      expect(again.body.error.code).toBe(ErrorCode.TierRulesPublished);
      await t.http().post('/api/v1/admin/tier-rules/2/publish').set(as(admin)).expect(409);
      await expect(
        t.dataSource.query(`UPDATE tier_rule_versions SET tiers = '[]' WHERE version = 2`),
      ).rejects.toThrow(/immutable/);

      // The members the simulation said would move up move up, without waiting for more growth.
      const upgrade = () =>
        t.http().post('/api/v1/admin/jobs/upgrade-tiers/run').set(as(admin)).expect(200);
      expect((await upgrade()).body.processed).toBe(1);
      const tiersNow = await t.dataSource.query(
        `SELECT id, tier FROM members WHERE id = ANY($1::uuid[]) ORDER BY tier DESC`,
        [[near.member.id, far.member.id]],
      );
      expect(tiersNow).toEqual([
        { id: near.member.id, tier: 'silver' },
        { id: far.member.id, tier: 'regular' },
      ]);
      const card = await t.http().get('/api/v1/me/member-card').set(as(near.accessToken));
      expect(card.body.history).toEqual([
        expect.objectContaining({
          from: 'regular',
          to: 'silver',
          reason: 'upgrade',
          ruleVersion: 2,
        }),
      ]);
      // Applied once: the next runs find nobody.
      expect((await upgrade()).body.processed).toBe(0);
    });

    /** A draft of the rules in force, changed by `edit`; its version. */
    const draftWith = async (edit: (tiers: Tier[]) => Tier[]): Promise<number> => {
      const draft = await newDraft();
      await t
        .http()
        .put(`/api/v1/admin/tier-rules/${draft.version}`)
        .set(as(admin))
        .send({ tiers: edit(draft.tiers) })
        .expect(200);
      return draft.version;
    };

    it('simulates what publishing does: a member keeps the tier held, whatever the new thresholds', async () => {
      const holder = await loginMember(t, 'tier-sim-holder');
      await grow(holder.member.id, 'sim-holder-1', 600);
      // Silver asks for more growth than the member has: their silver is held till its anniversary.
      const version = await draftWith((tiers) =>
        tiers.map((tier) => (tier.code === 'silver' ? { ...tier, threshold: 1_000 } : tier)),
      );
      const simulation = await t
        .http()
        .post(`/api/v1/admin/tier-rules/${version}/simulate`)
        .set(as(admin))
        .expect(200);
      expect(simulation.body.moving).toBe(0);
      expect(simulation.body.movements).toContainEqual(
        expect.objectContaining({ from: 'silver', to: 'silver' }),
      );
    });

    it('refuses to publish rules that do not hold together', async () => {
      const version = await draftWith((tiers) =>
        tiers.map((tier) => (tier.code === 'gold' ? { ...tier, threshold: 100 } : tier)),
      );
      const res = await t
        .http()
        .post(`/api/v1/admin/tier-rules/${version}/publish`)
        .set(as(admin))
        .expect(422);
      expect(res.body.error).toMatchObject({
        code: ErrorCode.TierRulesInvalid,
        details: {
          problems: [
            'gold: thresholds must rise from tier to tier',
            'gold: the retention threshold cannot be above the threshold',
          ],
        },
      });
    });

    it('refuses rules that leave out a tier members can hold', async () => {
      const version = await draftWith((tiers) => tiers.filter((tier) => tier.code !== 'diamond'));
      for (const action of ['simulate', 'publish']) {
        const res = await t
          .http()
          .post(`/api/v1/admin/tier-rules/${version}/${action}`)
          .set(as(admin))
          .expect(422);
        expect(res.body.error).toMatchObject({
          code: ErrorCode.TierRulesInvalid,
          details: { problems: ['every tier must be listed; missing diamond'] },
        });
      }
    });

    it('refuses to publish a draft older than the version in force, which would undo it', async () => {
      const draft = await newDraft();
      const newer = await newDraft();
      await t
        .http()
        .post(`/api/v1/admin/tier-rules/${newer.version}/publish`)
        .set(as(admin))
        .expect(200);
      const res = await t
        .http()
        .post(`/api/v1/admin/tier-rules/${draft.version}/publish`)
        .set(as(admin))
        .expect(409);
      expect(res.body.error).toMatchObject({
        code: ErrorCode.TierRulesOutdated,
        details: { version: draft.version, inForce: newer.version },
      });
      const list = await t.http().get('/api/v1/admin/tier-rules').set(as(admin)).expect(200);
      expect(
        list.body.items.find((v: { version: number }) => v.version === draft.version).status,
      ).toBe('draft');
    });

    it('pages through the versions latest first', async () => {
      await newDraft();
      await newDraft();
      const page = (query: string) =>
        t.http().get(`/api/v1/admin/tier-rules${query}`).set(as(admin)).expect(200);
      const whole = (await page('?limit=100')).body.items.map(
        (v: { version: number }) => v.version,
      );
      expect(whole.length).toBeGreaterThanOrEqual(3);
      expect(whole).toEqual([...whole].sort((a: number, b: number) => b - a));
      const first = await page('?limit=2');
      const rest = await page(`?limit=100&cursor=${first.body.nextCursor}`);
      expect(rest.body.nextCursor).toBeNull();
      expect(
        [...first.body.items, ...rest.body.items].map((v: { version: number }) => v.version),
      ).toEqual(whole);
    });

    it('refuses to publish a draft made before another was published, though its number is higher', async () => {
      // Two operators each draft from the rules in force; the first publishes hers.
      const first = await newDraft();
      const second = await newDraft();
      await t
        .http()
        .post(`/api/v1/admin/tier-rules/${first.version}/publish`)
        .set(as(admin))
        .expect(200);
      const res = await t
        .http()
        .post(`/api/v1/admin/tier-rules/${second.version}/publish`)
        .set(as(admin))
        .expect(409);
      expect(res.body.error).toMatchObject({
        code: ErrorCode.TierRulesOutdated,
        details: { version: second.version, inForce: first.version },
      });
      // A draft made now follows the rules in force, and publishes.
      const next = await newDraft();
      await t
        .http()
        .post(`/api/v1/admin/tier-rules/${next.version}/publish`)
        .set(as(admin))
        .expect(200);
    });

    it('checks the very tiers it publishes, though an edit of the draft commits meanwhile', async () => {
      const { version, tiers } = await newDraft();
      const withoutDiamond = tiers.filter((tier) => tier.code !== 'diamond') as never;
      // A second operator's edit of the draft is saved, about to commit.
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      let saved!: () => void;
      const savedNow = new Promise<void>((resolve) => (saved = resolve));
      const editing = t.app
        .get(TransactionalConnection)
        .withTransaction(RequestContext.forSystem('test'), async (ctx) => {
          await t.app.get(TierRulesService).updateDraft(ctx, version, withoutDiamond);
          saved();
          await committing;
        });
      await savedNow;
      const publishing = t
        .http()
        .post(`/api/v1/admin/tier-rules/${version}/publish`)
        .set(as(admin))
        .then((res) => res);
      await lockWaits(t.dataSource);
      commit();
      await editing;
      const published = await publishing;
      expect(published.status).toBe(422);
      expect(published.body.error.details.problems).toEqual([
        'every tier must be listed; missing diamond',
      ]);
    });

    it.each([
      ['an unknown tier code', { tiers: [{ code: 'platinum' }] }],
      ['a fractional threshold', { tiers: [{ code: 'regular', name: '普通', threshold: 0.5 }] }],
      ['an unknown field', { tiers: [], extra: 1 }],
    ])('refuses %s', async (_, body) => {
      const res = await t
        .http()
        .post('/api/v1/admin/tier-rules')
        .set(as(admin))
        .send(body)
        .expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it('refuses a tier named with spaces only', async () => {
      const { version, tiers } = await newDraft();
      const res = await t
        .http()
        .put(`/api/v1/admin/tier-rules/${version}`)
        .set(as(admin))
        .send({ tiers: tiers.map((tier, i) => (i === 1 ? { ...tier, name: '  ' } : tier)) })
        .expect(400);
      expect(res.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it('answers 404 for an unknown version and 400 for a malformed one', async () => {
      await t.http().get('/api/v1/admin/tier-rules/999').set(as(admin)).expect(404);
      await t.http().get('/api/v1/admin/tier-rules/two').set(as(admin)).expect(400);
      // Past what a version number can be (int4): as malformed, where it answered 500.
      const huge = await t.http().get('/api/v1/admin/tier-rules/2147483648').set(as(admin));
      expect(huge.status).toBe(400);
      expect(huge.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    it('is for admins only', async () => {
      const member = await loginMember(t, 'tier-nosy');
      await t.http().get('/api/v1/admin/tier-rules').set(as(member.accessToken)).expect(403);
      await t
        .http()
        .post('/api/v1/admin/tier-rules/1/simulate')
        .set(as(member.accessToken))
        .expect(403);
      await t.http().post('/api/v1/admin/tier-rules').send({}).expect(401);
    });
  });

  describe('growth, upgrades and the member card', () => {
    it('lists two upgrades made in one transaction newest first', async () => {
      const m = await loginMember(t, 'tier-two-steps');
      const tiers = t.app.get(MemberTiersService);
      // One batch completes two of the member's orders: silver with the first, gold with the second.
      await t.app
        .get(TransactionalConnection)
        .withTransaction(RequestContext.forSystem('test'), async (ctx) => {
          await tiers.recordGrowth(ctx, m.member.id, { type: 'order', id: 'two-steps-1' }, 600);
          await tiers.recordGrowth(ctx, m.member.id, { type: 'order', id: 'two-steps-2' }, 1_500);
        });
      const card = await memberCard(m.accessToken);
      expect(card.body.history.map((h: { from: string; to: string }) => [h.from, h.to])).toEqual([
        ['silver', 'gold'],
        ['regular', 'silver'],
      ]);
    });

    it('upgrades at once, grants entry gifts of skipped tiers once, and shows it on the card', async () => {
      const m = await loginMember(t, 'tier-climber');
      const versions = await t.http().get('/api/v1/admin/tier-rules').set(as(admin)).expect(200);
      const inForce = versions.body.items.find((v: { status: string }) => v.status === 'published');
      await grow(m.member.id, 'big-order', 2_500);
      await grow(m.member.id, 'big-order', 2_500);
      const card = await memberCard(m.accessToken);
      expect(card.body).toMatchObject({
        tier: 'gold',
        growth: 2_500,
        nextTier: 'diamond',
        growthToNext: 3_500,
        benefits: expect.objectContaining({
          code: 'gold',
          discountBps: 9_500,
          pointsMultiplierPct: 150,
        }),
        history: [
          expect.objectContaining({
            from: 'regular',
            to: 'gold',
            reason: 'upgrade',
            ruleVersion: inForce.version,
          }),
        ],
      });
      expect(card.body.tiers).toHaveLength(4);
      const notices = await t
        .http()
        .get('/api/v1/me/notifications')
        .set(as(m.accessToken))
        .expect(200);
      expect(notices.body.items).toEqual([
        expect.objectContaining({ kind: 'tier_changed', title: '恭喜升级为金卡会员' }),
      ]);
      const wallet = await t.http().get('/api/v1/me/points').set(as(m.accessToken)).expect(200);
      expect(wallet.body.available).toBe(400);
      expect((await pointsOf(t).reconcile()).mismatches).toEqual([]);
    });

    it('keeps the tier when growth is reversed; retention reviews it at the anniversary', async () => {
      const m = await loginMember(t, 'tier-refunder');
      await grow(m.member.id, 'to-refund', 600);
      const tiers = t.app.get(MemberTiersService);
      await t.app
        .get(TransactionalConnection)
        .withTransaction(RequestContext.forSystem('test'), (ctx) =>
          tiers.reverseGrowth(ctx, m.member.id, { type: 'order', id: 'to-refund' }),
        );
      const card = await memberCard(m.accessToken);
      expect(card.body).toMatchObject({ tier: 'silver', growth: 0 });
    });

    it('issues a member code that only the BFF can verify, and that expires', async () => {
      const m = await loginMember(t, 'tier-scanned');
      const codes = t.app.get(MemberCodeService);
      const { body } = await memberCard(m.accessToken);
      expect(new Date(body.memberCodeExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
      expect(codes.verify(body.memberCode)).toBe(m.member.id);

      const other = await loginMember(t, 'tier-impostor');
      const forged = body.memberCode.replace(
        m.member.id.replace(/-/g, ''),
        other.member.id.replace(/-/g, ''),
      );
      const codeOf = (fn: () => unknown) => {
        try {
          fn();
        } catch (error) {
          return (error as AppException).code;
        }
        return 'accepted';
      };
      expect(codeOf(() => codes.verify(forged))).toBe(ErrorCode.MemberCodeInvalid);
      expect(codeOf(() => codes.verify('LM1.nonsense'))).toBe(ErrorCode.MemberCodeInvalid);
      pointsOf(t).clock.advance(2 * 60_000);
      expect(codeOf(() => codes.verify(body.memberCode))).toBe(ErrorCode.MemberCodeExpired);
    });

    it('says for how many seconds the member code stays valid, counted on its own clock and not on the phone', async () => {
      const m = await loginMember(t, 'tier-clock-behind');
      const clock = pointsOf(t).clock;
      // The phone's clock (this process's) is ten minutes behind the BFF's.
      clock.advance(10 * 60_000);
      const before = clock.now().getTime();
      const { body } = await memberCard(m.accessToken);
      const after = clock.now().getTime();
      const expiresAt = Date.parse(body.memberCodeExpiresAt);
      expect(expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);
      expect(body.memberCodeSecondsLeft).toBeGreaterThanOrEqual(
        Math.max(1, Math.ceil((expiresAt - after) / 1000)),
      );
      expect(body.memberCodeSecondsLeft).toBeLessThanOrEqual(
        Math.min(60, Math.ceil((expiresAt - before) / 1000)),
      );
    });

    it('is for members only', async () => {
      await t.http().get('/api/v1/me/member-card').expect(401);
      await t.http().get('/api/v1/me/member-card').set(as(admin)).expect(403);
    });
  });

  describe('retention, manual floors and benefits', () => {
    const YEAR_MS = 366 * 86_400_000;
    const runRetention = () =>
      t.http().post('/api/v1/admin/jobs/retain-tiers/run').set(as(admin)).expect(200);

    it('drops one tier at the anniversary when growth fell short, keeps it when met, and records why', async () => {
      const keeper = await loginMember(t, 'retain-keeper');
      const slipper = await loginMember(t, 'retain-slipper');
      await grow(keeper.member.id, 'keeper-1', 2_100);
      await grow(slipper.member.id, 'slipper-1', 6_100);
      const clock = pointsOf(t).clock;
      clock.advance(YEAR_MS - 30 * 86_400_000);
      await grow(keeper.member.id, 'keeper-2', 1_300);
      clock.advance(31 * 86_400_000);
      const run = await runRetention();
      expect(run.body.processed).toBeGreaterThanOrEqual(2);

      const keeperCard = await memberCard(keeper.accessToken);
      expect(keeperCard.body).toMatchObject({ tier: 'gold', growth: 1_300 });
      const slipperCard = await memberCard(slipper.accessToken);
      expect(slipperCard.body.tier).toBe('gold');
      expect(slipperCard.body.history[0]).toMatchObject({
        from: 'diamond',
        to: 'gold',
        reason: 'retention',
      });
      expect(new Date(slipperCard.body.tierReviewAt).getTime()).toBeGreaterThan(
        clock.now().getTime(),
      );

      const again = await runRetention();
      expect(again.body.processed).toBe(0);
      const notices = await t
        .http()
        .get('/api/v1/me/notifications')
        .set(as(slipper.accessToken))
        .expect(200);
      expect(notices.body.items.map((n: { title: string }) => n.title)).toEqual([
        '会员等级调整为金卡会员',
        '恭喜升级为钻石会员',
      ]);
    });

    it('counts growth committed while the review was already reading the members due', async () => {
      const gold = await loginMember(t, 'retain-late-growth');
      await grow(gold.member.id, 'late-growth-1', 2_100);
      const clock = pointsOf(t).clock;
      clock.advance(YEAR_MS);
      // Thousands of members due before this one: the review's statement takes a while to
      // reach them.
      const [{ review_at }] = await t.dataSource.query(
        `SELECT tier_review_at AS review_at FROM members WHERE id = $1`,
        [gold.member.id],
      );
      await t.dataSource.query(
        `INSERT INTO members (openid, nickname, invite_code, tier, tier_reached_at, tier_review_at)
         SELECT 'late-growth-' || g, 'due', 'LG' || g, 'silver', $1::timestamptz - interval '1 year',
                $1::timestamptz - interval '1 hour'
         FROM generate_series(1, 4000) g`,
        [review_at],
      );
      // Growth that keeps gold, committed as soon as the review's statement that locks the members
      // due is seen running (or, if it ran too fast to be seen, after it).
      const tiers = t.app.get(MemberTiersService);
      const connection = t.app.get(TransactionalConnection);
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const growing = connection.withTransaction(RequestContext.forSystem('test'), async (ctx) => {
        await tiers.recordGrowth(
          ctx,
          gold.member.id,
          { type: 'order', id: 'late-growth-2' },
          1_300,
        );
        await committing;
      });
      const observer = new Client({ connectionString: t.database.url });
      await observer.connect();
      try {
        // Sent now (a supertest request goes out once it is awaited or then'd).
        const review = runRetention().then((res) => res);
        for (let asked = 0; asked < 10_000; asked++) {
          const { rows } = await observer.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
               AND query LIKE '%FOR UPDATE SKIP LOCKED%' AND pid <> pg_backend_pid()`,
          );
          if (rows.length > 0) break;
        }
        commit();
        await growing;
        await review;
      } finally {
        await observer.end();
      }
      // Passed over while its row was held, or reviewed with the growth: gold either way.
      await runRetention();
      const card = await memberCard(gold.accessToken);
      expect(card.body).toMatchObject({ tier: 'gold', growth: 1_300 });
    });

    it('holds a manual tier as a floor until its end date', async () => {
      const vip = await loginMember(t, 'retain-vip');
      const until = new Date(pointsOf(t).clock.now().getTime() + 2 * YEAR_MS)
        .toISOString()
        .slice(0, 10);
      const res = await t
        .http()
        .post(`/api/v1/admin/members/${vip.member.id}/tier`)
        .set(as(admin))
        .send({ tier: 'diamond', until, reason: '社区合伙人' })
        .expect(200);
      expect(res.body).toMatchObject({
        tier: 'diamond',
        history: [expect.objectContaining({ to: 'diamond', reason: 'manual' })],
      });
      pointsOf(t).clock.advance(YEAR_MS);
      await runRetention();
      const card = await memberCard(vip.accessToken);
      expect(card.body.tier).toBe('diamond');
      const simulation = await t
        .http()
        .post('/api/v1/admin/tier-rules/1/simulate')
        .set(as(admin))
        .expect(200);
      const fromDiamond = simulation.body.movements.filter(
        (m: { from: string }) => m.from === 'diamond',
      );
      expect(fromDiamond).toEqual([{ from: 'diamond', to: 'diamond', members: 1 }]);
      const [audit] = await t.dataSource.query(
        `SELECT details FROM audit_log WHERE action = 'member.tier.manual'`,
      );
      expect(audit.details).toMatchObject({ tier: 'diamond', reason: '社区合伙人' });
    });

    it('refuses bad manual tiers and non-admins', async () => {
      const m = await loginMember(t, 'retain-bad');
      const post = (body: object, token = admin) =>
        t.http().post(`/api/v1/admin/members/${m.member.id}/tier`).set(as(token)).send(body);
      await post({ tier: 'platinum', until: '2030-01-01', reason: '测试' }).expect(400);
      await post({ tier: 'gold', until: '2030-13-01', reason: '测试' }).expect(400);
      await post({ tier: 'gold', until: 'soon', reason: '测试' }).expect(400);
      await post({ tier: 'gold', until: '2030-01-01', reason: '    ' }).expect(400);
      // An end date already past would raise the member to a tier held for a year.
      const past = await post({ tier: 'diamond', until: '2020-01-01', reason: '测试' }).expect(400);
      expect(past.body.error.details.fields).toEqual({
        until: ['until must be today or a later day'],
      });
      const [member] = await t.dataSource.query(
        `SELECT tier, manual_tier FROM members WHERE id = $1`,
        [m.member.id],
      );
      expect(member).toEqual({ tier: 'regular', manual_tier: null });
      await post({ tier: 'gold', until: '2030-01-01', reason: '测试' }, m.accessToken).expect(403);
    });

    it('reviews the growth from 12 months before the anniversary up to the review, which runs hours after it', async () => {
      const early = await loginMember(t, 'retain-early');
      const late = await loginMember(t, 'retain-late');
      const tierOf = async (token: string) => (await memberCard(token)).body;
      const clock = pointsOf(t).clock;
      await grow(early.member.id, 'early-1', 2_000);
      await grow(late.member.id, 'late-1', 2_000);
      clock.advance(HOUR_MS);
      // Earned an hour after reaching gold: meets gold's retention threshold at the anniversary.
      await grow(early.member.id, 'early-2', 1_200);
      const { tierReviewAt } = await tierOf(early.accessToken);
      // Earned an hour after the anniversary: enough growth for gold again.
      clock.advance(Date.parse(tierReviewAt) + HOUR_MS - clock.now().getTime());
      await grow(late.member.id, 'late-2', 2_000);
      // The job runs once a day, this time two hours after the anniversary.
      clock.advance(HOUR_MS);
      await runRetention();
      expect((await tierOf(early.accessToken)).tier).toBe('gold');
      expect(await tierOf(late.accessToken)).toMatchObject({ tier: 'gold', growth: 2_000 });
    });

    it('reviews a tier kept by a manual floor when the floor ends, not a year later', async () => {
      const partner = await loginMember(t, 'retain-partner');
      const clock = pointsOf(t).clock;
      // Gold by hand, until a month after the anniversary of setting it.
      const until = businessDay(new Date(clock.now().getTime() + YEAR_MS + 30 * DAY_MS));
      await t
        .http()
        .post(`/api/v1/admin/members/${partner.member.id}/tier`)
        .set(as(admin))
        .send({ tier: 'gold', until, reason: '社区合伙人' })
        .expect(200);
      clock.advance(YEAR_MS);
      await runRetention();
      const held = await memberCard(partner.accessToken);
      expect(held.body).toMatchObject({ tier: 'gold', growth: 0 });

      clock.advance(31 * DAY_MS);
      await runRetention();
      const card = await memberCard(partner.accessToken);
      expect(card.body.tier).toBe('silver');
      expect(card.body.history[0]).toMatchObject({
        from: 'gold',
        to: 'silver',
        reason: 'retention',
      });
    });

    it('reviews a tier kept by a manual floor when an operator ends the floor sooner, even after extending it', async () => {
      const partner = await loginMember(t, 'retain-partner-ended');
      const clock = pointsOf(t).clock;
      const setFloor = (tier: string, until: string) =>
        t
          .http()
          .post(`/api/v1/admin/members/${partner.member.id}/tier`)
          .set(as(admin))
          .send({ tier, until, reason: '社区合伙人' })
          .expect(200);
      await setFloor('gold', businessDay(new Date(clock.now().getTime() + 2 * YEAR_MS)));
      clock.advance(YEAR_MS);
      await runRetention();
      expect((await memberCard(partner.accessToken)).body.tier).toBe('gold');

      // The partnership is extended by a year, and then ends: the floor goes down to the base
      // tier, until tomorrow.
      await setFloor('gold', businessDay(new Date(clock.now().getTime() + 2 * YEAR_MS)));
      await setFloor('regular', businessDay(new Date(clock.now().getTime() + DAY_MS)));
      clock.advance(2 * DAY_MS);
      await runRetention();
      const card = await memberCard(partner.accessToken);
      expect(card.body.tier).toBe('silver');
      expect(card.body.history[0]).toMatchObject({
        from: 'gold',
        to: 'silver',
        reason: 'retention',
      });
    });

    it('grants the entry gifts of the thresholds growth crosses under a manual tier, once each', async () => {
      const m = await loginMember(t, 'manual-then-growth');
      const until = businessDay(new Date(pointsOf(t).clock.now().getTime() + 2 * YEAR_MS));
      await t
        .http()
        .post(`/api/v1/admin/members/${m.member.id}/tier`)
        .set(as(admin))
        .send({ tier: 'gold', until, reason: '社区合伙人' })
        .expect(200);
      const available = async () =>
        (await t.http().get('/api/v1/me/points').set(as(m.accessToken)).expect(200)).body.available;
      expect(await available()).toBe(0);
      // Growth passes silver and gold, both held by hand: 100 + 300.
      await grow(m.member.id, 'manual-1', 2_100);
      expect(await available()).toBe(400);
      await grow(m.member.id, 'manual-2', 100);
      expect(await available()).toBe(400);
      // Then diamond, reached by growth: 800 more.
      await grow(m.member.id, 'manual-3', 4_000);
      expect(await available()).toBe(1_200);
      expect((await pointsOf(t).reconcile()).mismatches).toEqual([]);
    });

    it('gives other modules the benefits of the tier and of member day', async () => {
      const m = await loginMember(t, 'benefits');
      await grow(m.member.id, 'benefits-1', 600);
      const benefits = t.app.get(MemberBenefitsService);
      const ctx = RequestContext.forSystem('test');
      await t.dataSource.query(
        `UPDATE points_policy SET member_day = 18, member_day_multiplier_pct = 200`,
      );
      // Member day is the 18th in Shanghai: its last minute, and the first of the 19th.
      const { benefits: onTheDay } = await benefits.standing(
        ctx,
        m.member.id,
        new Date('2026-03-18T23:59:00+08:00'),
      );
      expect(onTheDay).toMatchObject({
        tier: 'silver',
        discountBps: 9_800,
        pointsMultiplierPct: 120,
        memberDayMultiplierPct: 200,
        exclusiveCampaigns: false,
      });
      const { benefits: after } = await benefits.standing(
        ctx,
        m.member.id,
        new Date('2026-03-19T00:00:00+08:00'),
      );
      expect(after.memberDayMultiplierPct).toBe(100);
    });
  });
});

describe('upgrade-tiers beside orders completing', () => {
  let t: TestApp;
  let admin: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const deadlocks = async (): Promise<number> => {
    await t.dataSource.query(`SELECT pg_stat_clear_snapshot()`);
    const [{ n }] = await t.dataSource.query(
      `SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    return n;
  };

  const inTransaction = <T>(work: (ctx: RequestContext) => Promise<T>) =>
    t.app.get(TransactionalConnection).withTransaction(RequestContext.forSystem('test'), work);

  it('does not deadlock with an order of the same member completing while it runs', async () => {
    const tiers = t.app.get(MemberTiersService);
    const ledger = t.app.get(PointsLedger);

    const m = await loginMember(t, 'upgrade-beside-completion');
    // 150 growth: regular under the default rules; the member has a points account.
    await inTransaction((ctx) =>
      tiers.recordGrowth(ctx, m.member.id, { type: 'order', id: 'g1' }, 150),
    );
    await inTransaction((ctx) =>
      ledger.grant(ctx, m.member.id, { type: 'test', id: 'open-account' }, 1, 'test'),
    );
    // Rules with silver at 100 growth are published: the job is to raise the member to silver.
    const draft = await t
      .http()
      .post('/api/v1/admin/tier-rules')
      .set(as(admin))
      .send({})
      .expect(201);
    const edited = draft.body.tiers.map((tier: { code: string }) =>
      tier.code === 'silver' ? { ...tier, threshold: 100, retentionThreshold: 50 } : tier,
    );
    await t
      .http()
      .put(`/api/v1/admin/tier-rules/${draft.body.version}`)
      .set(as(admin))
      .send({ tiers: edited })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/admin/tier-rules/${draft.body.version}/publish`)
      .set(as(admin))
      .expect(200);

    const before = await deadlocks();
    // What OrderCompletionService.completeDue does for one order of this member, in its order:
    // ledger.activate (points account), then tiers.recordGrowth (the member).
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let activated!: () => void;
    const activatedNow = new Promise<void>((resolve) => (activated = resolve));
    const completing = inTransaction(async (ctx) => {
      await ledger.activate(ctx, m.member.id, { type: 'order', id: 'o1' });
      activated();
      await gate;
      await tiers.recordGrowth(ctx, m.member.id, { type: 'order', id: 'o1' }, 10);
    }).then(
      () => 'completed',
      (error: { code?: string; driverError?: { code?: string } }) =>
        `failed ${error.code ?? error.driverError?.code}`,
    );
    await activatedNow;
    const upgrading = t
      .http()
      .post('/api/v1/admin/jobs/upgrade-tiers/run')
      .set(as(admin))
      .then((r) => r);
    await lockWaits(t.dataSource, 1); // the job holds the member and waits for the points account
    open();
    const [completed, upgraded] = await Promise.all([completing, upgrading]);
    let after = await deadlocks();
    for (let i = 0; i < 50 && after === before; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      after = await deadlocks();
    }
    expect({ completed, upgradeStatus: upgraded.status, deadlocks: after - before }).toEqual({
      completed: 'completed',
      upgradeStatus: 200,
      deadlocks: 0,
    });
  });

  it('raises a member whose growth was being recorded while rules that reach it were published', async () => {
    const tiers = t.app.get(MemberTiersService);
    const m = await loginMember(t, 'growth-beside-publish');
    await inTransaction((ctx) =>
      tiers.recordGrowth(ctx, m.member.id, { type: 'order', id: 'before' }, 1_500),
    );
    // Rules with gold at 1,600 growth (2,000 in force), drafted while the member grows by 100.
    const draft = await t
      .http()
      .post('/api/v1/admin/tier-rules')
      .set(as(admin))
      .send({})
      .expect(201);
    await t
      .http()
      .put(`/api/v1/admin/tier-rules/${draft.body.version}`)
      .set(as(admin))
      .send({
        tiers: draft.body.tiers.map((tier: { code: string }) =>
          tier.code === 'gold' ? { ...tier, threshold: 1_600, retentionThreshold: 800 } : tier,
        ),
      })
      .expect(200);

    // The growth is judged by the rules in force and not yet committed when the operator
    // publishes, and the upgrade job runs.
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let judged!: () => void;
    const judgedNow = new Promise<void>((resolve) => (judged = resolve));
    const growing = inTransaction(async (ctx) => {
      await tiers.recordGrowth(ctx, m.member.id, { type: 'order', id: 'during' }, 100);
      judged();
      await committing;
    });
    await judgedNow;
    const publishing = t
      .http()
      .post(`/api/v1/admin/tier-rules/${draft.body.version}/publish`)
      .set(as(admin))
      .then((r) => r);
    // Published at once, or waiting for the growth to commit.
    await Promise.race([publishing, lockWaits(t.dataSource, 1).catch(() => undefined)]);
    const upgrade = () =>
      t.http().post('/api/v1/admin/jobs/upgrade-tiers/run').set(as(admin)).expect(200);
    await upgrade();
    commit();
    await growing;
    expect((await publishing).status).toBe(200);
    await upgrade();
    const [member] = await t.dataSource.query(`SELECT tier FROM members WHERE id = $1`, [
      m.member.id,
    ]);
    expect(member.tier).toBe('gold');
  });
});

describe('growth over the rolling 12 months', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('counts 12 months of the Shanghai calendar, in the early hours of 29 February too', async () => {
    const m = await loginMember(t, 'leap-day');
    const points = pointsOf(t);
    const moveTo = (instant: string) =>
      points.clock.advance(Date.parse(instant) - points.clock.now().getTime());
    moveTo('2027-02-28T12:00:00+08:00');
    await points.inTransaction((ctx) =>
      t.app
        .get(MemberTiersService)
        .recordGrowth(ctx, m.member.id, { type: 'order', id: 'leap-1' }, 600),
    );
    // 05:00 on 29 February in Shanghai, still the 28th in UTC: 2027 has no 29 February, so the
    // 12 months began at 05:00 on 28 February 2027, Shanghai time.
    moveTo('2028-02-29T05:00:00+08:00');
    const card = await t
      .http()
      .get('/api/v1/me/member-card')
      .set({ authorization: `Bearer ${m.accessToken}` })
      .expect(200);
    expect(card.body).toMatchObject({ tier: 'silver', growth: 600, growthToNext: 1_400 });
  });
});
