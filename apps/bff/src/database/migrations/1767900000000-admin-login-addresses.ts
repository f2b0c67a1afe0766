import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The addresses each admin logged in from, and when last: an address an account logged in from
 * lately keeps a budget of wrong passwords of its own, which guesses from elsewhere cannot use
 * up to lock the account's operator out.
 */
export class AdminLoginAddresses1767900000000 implements MigrationInterface {
  name = 'AdminLoginAddresses1767900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_login_addresses (
        admin_user_id uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
        address text NOT NULL,
        last_login_at timestamptz NOT NULL,
        PRIMARY KEY (admin_user_id, address)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admin_login_addresses`);
  }
}
