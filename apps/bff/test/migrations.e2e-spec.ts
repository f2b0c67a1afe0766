import { Client } from 'pg';
import { lockWaits } from './support/lock-waits';
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
      await lockWaits(other);
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
