import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Turns down the applications still waiting from members who lead a point already: an
 * application made while the member's earlier one was being approved could be left waiting, and
 * can never be approved.
 */
export class ApplicationsOfLeaders1768200000000 implements MigrationInterface {
  name = 'ApplicationsOfLeaders1768200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE leader_applications SET status = 'rejected', decision_note = '已是其他自提点的团长',
         decided_at = now()
       WHERE status = 'pending'
         AND member_id IN (SELECT leader_member_id FROM pickup_points WHERE leader_member_id IS NOT NULL)`,
    );
  }

  async down(): Promise<void> {
    // The applications turned down stay so: they could never be approved.
  }
}
