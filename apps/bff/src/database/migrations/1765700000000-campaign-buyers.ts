import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many of a member's orders of a campaign are paid and neither cancelled nor refunded: the
 * member is one of the campaign's buyers (参团) while it is above 0. Kept by the statement that
 * moves an order's state, so a campaign's buyers are read from its own rows here, where every
 * page of group-buys joined every paid order of its campaigns to count them.
 */
export class CampaignBuyers1765700000000 implements MigrationInterface {
  name = 'CampaignBuyers1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign_buyers (
        campaign_id uuid NOT NULL REFERENCES campaigns(id),
        member_id uuid NOT NULL REFERENCES members(id),
        paid_orders int NOT NULL CHECK (paid_orders >= 0),
        PRIMARY KEY (campaign_id, member_id)
      )`);
    await q.query(
      `CREATE INDEX campaign_buyers_paid_idx ON campaign_buyers (campaign_id) WHERE paid_orders > 0`,
    );
    await q.query(`
      INSERT INTO campaign_buyers (campaign_id, member_id, paid_orders)
      SELECT l.campaign_id, o.member_id, COUNT(*)
      FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.paid_at IS NOT NULL AND o.state NOT IN ('cancelled', 'refunded')
      GROUP BY l.campaign_id, o.member_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_buyers`);
  }
}
