import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE communities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        city text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        openid text NOT NULL UNIQUE,
        unionid text,
        session_key text,
        nickname text NOT NULL,
        tier text NOT NULL DEFAULT 'regular'
          CHECK (tier IN ('regular', 'silver', 'gold', 'diamond')),
        invite_code text NOT NULL UNIQUE,
        invited_by_member_id uuid REFERENCES members(id),
        pickup_point_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz NOT NULL DEFAULT now(),
        CHECK (invited_by_member_id IS NULL OR invited_by_member_id <> id)
      )`);
    await q.query(`
      CREATE TABLE pickup_points (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        community_id uuid NOT NULL REFERENCES communities(id),
        name text NOT NULL,
        address text NOT NULL,
        latitude numeric(9, 6) NOT NULL,
        longitude numeric(9, 6) NOT NULL,
        opening_hours text NOT NULL DEFAULT '',
        leader_member_id uuid UNIQUE REFERENCES members(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE members ADD CONSTRAINT members_pickup_point_fk
        FOREIGN KEY (pickup_point_id) REFERENCES pickup_points(id)`);
    await q.query(`CREATE INDEX pickup_points_community_idx ON pickup_points (community_id)`);
    await q.query(`
      CREATE TABLE admin_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES members(id),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
    await q.query(`
      CREATE TABLE job_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_name text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'admin')),
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        processed integer NOT NULL DEFAULT 0,
        batches integer NOT NULL DEFAULT 0,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX job_runs_name_idx ON job_runs (job_name, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_runs`);
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE admin_users`);
    await q.query(`ALTER TABLE members DROP CONSTRAINT members_pickup_point_fk`);
    await q.query(`DROP TABLE pickup_points`);
    await q.query(`DROP TABLE members`);
    await q.query(`DROP TABLE communities`);
  }
}
