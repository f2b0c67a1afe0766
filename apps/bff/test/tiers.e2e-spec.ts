import { ErrorCode } from '@linli/shared';
import { RequestContext } from '../src/common/request-context';
import { AppException } from '../src/common/errors/app-exception';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { MemberCodeService } from '../src/modules/tiers/member-code.service';
import { MemberTiersService } from '../src/modules/tiers/member-tiers.service';
import { pointsOf } from './support/points-helpers';
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

  describe('tier rules as versions', () => {
    it('starts with the default tiers published as version 1', async () => {
      const res = await t.http().get('/api/v1/admin/tier-rules').set(as(admin)).expect(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ version: 1, status: 'published' });
      expect(
        res.body[0].tiers.map((tier: { code: string; threshold: number }) => [
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
    });

    it('refuses to publish rules that do not hold together', async () => {
      const draft = await t
        .http()
        .post('/api/v1/admin/tier-rules')
        .set(as(admin))
        .send({})
        .expect(201);
      const tiers = draft.body.tiers.map((tier: { code: string }) =>
        tier.code === 'gold' ? { ...tier, threshold: 100 } : tier,
      );
      await t
        .http()
        .put(`/api/v1/admin/tier-rules/${draft.body.version}`)
        .set(as(admin))
        .send({ tiers })
        .expect(200);
      const res = await t
        .http()
        .post(`/api/v1/admin/tier-rules/${draft.body.version}/publish`)
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

    it('answers 404 for an unknown version and 400 for a malformed one', async () => {
      await t.http().get('/api/v1/admin/tier-rules/999').set(as(admin)).expect(404);
      await t.http().get('/api/v1/admin/tier-rules/two').set(as(admin)).expect(400);
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
    it('upgrades at once, grants entry gifts of skipped tiers once, and shows it on the card', async () => {
      const m = await loginMember(t, 'tier-climber');
      await grow(m.member.id, 'big-order', 2_500);
      await grow(m.member.id, 'big-order', 2_500);
      const card = await t.http().get('/api/v1/me/member-card').set(as(m.accessToken)).expect(200);
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
            ruleVersion: 2,
          }),
        ],
      });
      expect(card.body.tiers).toHaveLength(4);
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
      const card = await t.http().get('/api/v1/me/member-card').set(as(m.accessToken)).expect(200);
      expect(card.body).toMatchObject({ tier: 'silver', growth: 0 });
    });

    it('issues a member code that only the BFF can verify, and that expires', async () => {
      const m = await loginMember(t, 'tier-scanned');
      const codes = t.app.get(MemberCodeService);
      const { body } = await t
        .http()
        .get('/api/v1/me/member-card')
        .set(as(m.accessToken))
        .expect(200);
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

    it('is for members only', async () => {
      await t.http().get('/api/v1/me/member-card').expect(401);
      await t.http().get('/api/v1/me/member-card').set(as(admin)).expect(403);
    });
  });
});
