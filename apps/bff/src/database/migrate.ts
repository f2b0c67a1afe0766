import type { DataSource } from 'typeorm';

// Several instances may start together: only one applies migrations, the others wait.
const MIGRATION_LOCK = 'linli:migrations';

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [MIGRATION_LOCK])
      .catch(() => undefined);
    await runner.release();
  }
}
