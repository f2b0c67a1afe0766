import { ApplicationsOfLeaders1768200000000 } from '../src/database/migrations/1768200000000-applications-of-leaders';
import { TierReviewByFloor1768100000000 } from '../src/database/migrations/1768100000000-tier-review-by-floor';
import { createPoint } from './support/group-buy-fixtures';
import { loginMember, startTestApp, TestApp } from './support/test-app';

/** Migrations that mend rows written before them: what they find, and what they leave. */
describe('migrations that mend existing rows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const migrate = async (
    up: (runner: ReturnType<TestApp['dataSource']['createQueryRunner']>) => Promise<void>,
  ) => {
    const runner = t.dataSource.createQueryRunner();
    try {
      await up(runner);
    } finally {
      await runner.release();
    }
  };

  it('marks as put off by the floor the reviews set to the end of the floor in force', async () => {
    const [held, anniversary] = [
      await loginMember(t, 'mend-held'),
      await loginMember(t, 'mend-anniversary'),
    ];
    const migration = new TierReviewByFloor1768100000000();
    await migrate((runner) => migration.down(runner));
    await t.dataSource.query(
      `UPDATE members SET tier = 'gold', manual_tier = 'gold',
         manual_tier_until = '2029-12-31T15:59:59.999Z',
         tier_review_at = CASE WHEN id = $1 THEN '2029-12-31T15:59:59.999Z'::timestamptz
                               ELSE '2028-01-31T16:00:00Z'::timestamptz END
       WHERE id IN ($1, $2)`,
      [held.member.id, anniversary.member.id],
    );
    await migrate((runner) => migration.up(runner));
    const rows = await t.dataSource.query(
      `SELECT id, tier_review_by_floor AS by_floor FROM members WHERE id IN ($1, $2) ORDER BY id = $1 DESC`,
      [held.member.id, anniversary.member.id],
    );
    expect(rows).toEqual([
      { id: held.member.id, by_floor: true },
      { id: anniversary.member.id, by_floor: false },
    ]);
  });

  it('turns down the applications still waiting from members who lead a point already', async () => {
    const [led, wanted] = [await createPoint(t), await createPoint(t)];
    const [leader, applicant] = [
      await loginMember(t, 'mend-leader'),
      await loginMember(t, 'mend-applicant'),
    ];
    await t.dataSource.query(`UPDATE pickup_points SET leader_member_id = $2 WHERE id = $1`, [
      led.id,
      leader.member.id,
    ]);
    await t.dataSource.query(
      `INSERT INTO leader_applications (member_id, pickup_point_id, real_name, phone, note)
       VALUES ($1, $3, '李叔', '13900000000', ''), ($2, $3, '王姨', '13900000001', '')`,
      [leader.member.id, applicant.member.id, wanted.id],
    );
    await migrate((runner) => new ApplicationsOfLeaders1768200000000().up(runner));
    const applications = await t.dataSource.query(
      `SELECT member_id, status, decision_note FROM leader_applications WHERE pickup_point_id = $1
       ORDER BY member_id = $2 DESC`,
      [wanted.id, leader.member.id],
    );
    expect(applications).toEqual([
      { member_id: leader.member.id, status: 'rejected', decision_note: '已是其他自提点的团长' },
      { member_id: applicant.member.id, status: 'pending', decision_note: null },
    ]);
  });
});
