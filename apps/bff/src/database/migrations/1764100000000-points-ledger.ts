import { MigrationInterface, QueryRunner } from 'typeorm';

export class PointsLedger1764100000000 implements MigrationInterface {
  name = 'PointsLedger1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_kind text NOT NULL CHECK (actor_kind IN ('admin', 'member', 'system')),
        actor_id text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id)`);

    await q.query(`
      CREATE TABLE points_policy (
        id int PRIMARY KEY CHECK (id = 1),
        earn_points_per_yuan int NOT NULL CHECK (earn_points_per_yuan >= 0),
        redeem_points_per_yuan int NOT NULL CHECK (redeem_points_per_yuan > 0),
        max_deduction_bps int NOT NULL CHECK (max_deduction_bps BETWEEN 0 AND 9999),
        after_sales_days int NOT NULL CHECK (after_sales_days BETWEEN 0 AND 90),
        expiry_months int NOT NULL CHECK (expiry_months BETWEEN 1 AND 120),
        expiring_soon_days int NOT NULL CHECK (expiring_soon_days BETWEEN 1 AND 365),
        expiry_notice_days int NOT NULL CHECK (expiry_notice_days BETWEEN 0 AND 90),
        member_day int CHECK (member_day BETWEEN 1 AND 28),
        member_day_multiplier_pct int NOT NULL CHECK (member_day_multiplier_pct BETWEEN 100 AND 1000),
        version int NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO points_policy (id, earn_points_per_yuan, redeem_points_per_yuan, max_deduction_bps,
        after_sales_days, expiry_months, expiring_soon_days, expiry_notice_days, member_day, member_day_multiplier_pct)
      VALUES (1, 1, 100, 5000, 7, 12, 30, 7, NULL, 200)`);

    // One row per member: every ledger operation locks it first, so a member's operations
    // happen one at a time and always take locks in the same order (account, then lots).
    await q.query(`
      CREATE TABLE point_accounts (
        member_id uuid PRIMARY KEY REFERENCES members(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Every ledger operation once per member and key, with what it answered: a replay gets
    // the same answer even when the operation moved no points.
    await q.query(`
      CREATE TABLE point_operations (
        member_id uuid NOT NULL REFERENCES point_accounts(member_id),
        operation_key text NOT NULL,
        request jsonb NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, operation_key)
      )`);
    await q.query(`
      CREATE TABLE point_lots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES point_accounts(member_id),
        source_type text NOT NULL,
        source_id text NOT NULL,
        amount int NOT NULL CHECK (amount > 0),
        remaining int NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
        state text NOT NULL CHECK (state IN ('pending', 'available', 'cancelled', 'expired')),
        available_from timestamptz,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (member_id, source_type, source_id),
        CHECK (state NOT IN ('available', 'expired') OR (available_from IS NOT NULL AND expires_at IS NOT NULL)),
        CHECK (state NOT IN ('cancelled', 'expired') OR remaining = 0)
      )`);
    await q.query(
      `CREATE INDEX point_lots_member_idx ON point_lots (member_id, state, expires_at)`,
    );
    await q.query(
      `CREATE INDEX point_lots_due_idx ON point_lots (expires_at) WHERE state = 'available'`,
    );
    await q.query(`
      CREATE TABLE point_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES point_accounts(member_id),
        type text NOT NULL CHECK (type IN ('earn', 'spend', 'expire', 'return', 'clawback', 'adjust')),
        amount int NOT NULL CHECK (amount <> 0),
        operation_key text NOT NULL,
        source_type text NOT NULL,
        source_id text NOT NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (member_id, operation_key)
      )`);
    await q.query(
      `CREATE INDEX point_entries_history_idx ON point_entries (member_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX point_entries_source_idx ON point_entries (member_id, source_type, source_id)`,
    );
    await q.query(`
      CREATE TABLE point_allocations (
        entry_id uuid NOT NULL REFERENCES point_entries(id),
        lot_id uuid NOT NULL REFERENCES point_lots(id),
        amount int NOT NULL CHECK (amount <> 0),
        PRIMARY KEY (entry_id, lot_id)
      )`);
    await q.query(`CREATE INDEX point_allocations_lot_idx ON point_allocations (lot_id)`);
    // The journal is append-only.
    await q.query(`
      CREATE FUNCTION points_journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the points journal is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER point_entries_append_only BEFORE UPDATE OR DELETE ON point_entries
      FOR EACH ROW EXECUTE FUNCTION points_journal_is_append_only()`);
    await q.query(`
      CREATE TRIGGER point_allocations_append_only BEFORE UPDATE OR DELETE ON point_allocations
      FOR EACH ROW EXECUTE FUNCTION points_journal_is_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE point_allocations`);
    await q.query(`DROP TABLE point_entries`);
    await q.query(`DROP FUNCTION points_journal_is_append_only`);
    await q.query(`DROP TABLE point_lots`);
    await q.query(`DROP TABLE point_operations`);
    await q.query(`DROP TABLE point_accounts`);
    await q.query(`DROP TABLE points_policy`);
    await q.query(`DROP TABLE audit_log`);
  }
}
