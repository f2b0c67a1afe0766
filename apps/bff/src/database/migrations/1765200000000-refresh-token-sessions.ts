import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refresh tokens of one log-in share a session: each refresh hands the session on to the next
 * token, so that a log-out, or a used token coming back as a stolen copy would, ends the whole
 * session. A token issued before this is a session of its own.
 */
export class RefreshTokenSessions1765200000000 implements MigrationInterface {
  name = 'RefreshTokenSessions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN session_id uuid`);
    await q.query(`UPDATE refresh_tokens SET session_id = id`);
    await q.query(
      `ALTER TABLE refresh_tokens ALTER COLUMN session_id SET DEFAULT gen_random_uuid(), ALTER COLUMN session_id SET NOT NULL`,
    );
    await q.query(
      `CREATE INDEX refresh_tokens_open_session_idx ON refresh_tokens (session_id) WHERE used_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN session_id`);
  }
}
