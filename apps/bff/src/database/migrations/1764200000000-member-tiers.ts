import { MigrationInterface, QueryRunner } from 'typeorm';

export class MemberTiers1764200000000 implements MigrationInterface {
  name = 'MemberTiers1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tier_rule_versions (
        version int PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('draft', 'published')),
        tiers jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_by text,
        published_at timestamptz,
        CHECK ((status = 'published') = (published_at IS NOT NULL))
      )`);
    // Published versions never change.
    await q.query(`
      CREATE FUNCTION tier_rules_published_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN RAISE EXCEPTION 'published tier rules are immutable'; END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tier_rule_versions_immutable BEFORE UPDATE OR DELETE ON tier_rule_versions
      FOR EACH ROW EXECUTE FUNCTION tier_rules_published_are_immutable()`);

    await q.query(`
      CREATE TABLE growth_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES members(id),
        amount int NOT NULL CHECK (amount <> 0),
        kind text NOT NULL CHECK (kind IN ('grant', 'reversal')),
        source_type text NOT NULL,
        source_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (member_id, source_type, source_id, kind)
      )`);
    await q.query(
      `CREATE INDEX growth_events_member_idx ON growth_events (member_id, occurred_at)`,
    );
    // Growth is append-only too: a refund adds a reversal, nothing is edited away.
    await q.query(`
      CREATE TRIGGER growth_events_append_only BEFORE UPDATE OR DELETE ON growth_events
      FOR EACH ROW EXECUTE FUNCTION points_journal_is_append_only()`);

    await q.query(
      `ALTER TABLE members ADD COLUMN tier_reached_at timestamptz NOT NULL DEFAULT now()`,
    );
    await q.query(
      `ALTER TABLE members ADD COLUMN manual_tier text CHECK (manual_tier IN ('regular', 'silver', 'gold', 'diamond'))`,
    );
    await q.query(`ALTER TABLE members ADD COLUMN manual_tier_until timestamptz`);
    // When the tier is next reviewed for retention: its anniversary; none for the base tier.
    await q.query(`ALTER TABLE members ADD COLUMN tier_review_at timestamptz`);
    await q.query(
      `CREATE INDEX members_tier_review_idx ON members (tier_review_at) WHERE tier_review_at IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE tier_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES members(id),
        from_tier text NOT NULL,
        to_tier text NOT NULL,
        reason text NOT NULL CHECK (reason IN ('upgrade', 'retention', 'manual')),
        rule_version int NOT NULL REFERENCES tier_rule_versions(version),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX tier_changes_member_idx ON tier_changes (member_id, created_at DESC)`,
    );
    await q.query(`
      CREATE TABLE tier_entry_gifts (
        member_id uuid NOT NULL REFERENCES members(id),
        tier text NOT NULL,
        points int NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, tier)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tier_entry_gifts`);
    await q.query(`DROP TABLE tier_changes`);
    await q.query(`DROP INDEX members_tier_review_idx`);
    await q.query(
      `ALTER TABLE members DROP COLUMN tier_review_at, DROP COLUMN manual_tier_until, DROP COLUMN manual_tier, DROP COLUMN tier_reached_at`,
    );
    await q.query(`DROP TABLE growth_events`);
    await q.query(`DROP TABLE tier_rule_versions`);
    await q.query(`DROP FUNCTION tier_rules_published_are_immutable`);
  }
}
