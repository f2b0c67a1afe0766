import { Client } from 'pg';
import { createTestDatabase } from './support/test-database';
import { startTestApp } from './support/test-app';

describe('migrations at start-up', () => {
  it('waits for another instance applying them, however much longer than a request may take', async () => {
    const database = await createTestDatabase();
    const other = new Client({ connectionString: database.url });
    await other.connect();
    try {
      // Another instance is applying the migrations.
      await other.query(`SELECT pg_advisory_lock(hashtextextended('linli:migrations', 0))`);
      const starting = startTestApp({ DB_STATEMENT_TIMEOUT_MS: '200' }, { database });
      for (;;) {
        const [{ waiting }] = (
          await other.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows;
        if (waiting > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Longer than the statement timeout of requests.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await other.query(`SELECT pg_advisory_unlock(hashtextextended('linli:migrations', 0))`);
      const app = await starting;
      await app.http().get('/api/health').expect(200);
      await app.close();
    } finally {
      await other.end();
      await database.drop();
    }
  });
});
