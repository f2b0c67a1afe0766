import { ErrorCode } from '@linli/shared';
import { randomUUID } from 'node:crypto';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

describe('GET /admin/audit-log', () => {
  let t: TestApp;
  let admin: string;
  let member: { accessToken: string; member: { id: string } };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    member = await loginMember(t, 'audited-member');
    // Three corrections of one member's points, then a change of the points policy.
    for (const points of [100, 200, -50]) {
      await t
        .http()
        .post(`/api/v1/admin/members/${member.member.id}/points-adjustments`)
        .auth(admin, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ points, reason: `更正 ${points}` })
        .expect(201);
    }
    const policy = await t
      .http()
      .get('/api/v1/admin/points-policy')
      .auth(admin, { type: 'bearer' })
      .expect(200);
    await t
      .http()
      .put('/api/v1/admin/points-policy')
      .auth(admin, { type: 'bearer' })
      .send({ ...policy.body, version: undefined, updatedAt: undefined, earnPointsPerYuan: 2 })
      .expect(200);
  });
  afterAll(() => t.close());

  const auditLog = (query = '', token = admin) =>
    t.http().get(`/api/v1/admin/audit-log${query}`).auth(token, { type: 'bearer' });

  it('tells who changed what, newest first, a page at a time', async () => {
    const first = await auditLog('?limit=2').expect(200);
    expect(first.body.items).toEqual([
      expect.objectContaining({ action: 'points-policy.update' }),
      {
        id: expect.any(String),
        actor: { kind: 'admin', id: expect.any(String) },
        action: 'points.adjust',
        target: { type: 'member', id: member.member.id },
        details: expect.objectContaining({ points: -50, reason: '更正 -50' }),
        createdAt: expect.any(String),
      },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await auditLog(`?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((e: { details: { points: number } }) => e.details.points)).toEqual(
      [200, 100],
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('finds the changes of one target, or of one kind', async () => {
    const target = await auditLog(`?targetType=member&targetId=${member.member.id}`).expect(200);
    expect(target.body.items).toHaveLength(3);
    expect(target.body.items.every((e: { action: string }) => e.action === 'points.adjust')).toBe(
      true,
    );
    const policy = await auditLog('?action=points-policy.update').expect(200);
    expect(policy.body.items).toEqual([
      expect.objectContaining({ action: 'points-policy.update' }),
    ]);
    expect((await auditLog(`?targetId=${randomUUID()}`).expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('refuses a bad cursor or limit, and is for operators only', async () => {
    expect((await auditLog('?cursor=nonsense').expect(400)).body.error.code).toBe(
      ErrorCode.ValidationFailed,
    );
    await auditLog('?limit=0').expect(400);
    await auditLog('', member.accessToken).expect(403);
    await t.http().get('/api/v1/admin/audit-log').expect(401);
  });
});
