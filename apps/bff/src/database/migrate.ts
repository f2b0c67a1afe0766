import { DataSource } from 'typeorm';
import { untimedDataSource } from './untimed-data-source';

// Several instances may start together: only one applies migrations, the others wait.
const MIGRATION_LOCK = 'linli:migrations';

/**
 * Applies the migrations not applied yet, on two connections of their own (the lock's and the
 * migrations'), without the timeouts requests have: a migration over a large table, or waiting
 * while another instance applies them, takes longer than any request may.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const migrating = untimedDataSource(dataSource, 2);
  await migrating.initialize();
  const runner = migrating.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [MIGRATION_LOCK]);
    const applied = await migrating.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [MIGRATION_LOCK])
      .catch(() => undefined);
    await runner.release();
    await migrating.destroy();
  }
}
