import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { seedDemo } from '../database/demo-seed';
import { runMigrations } from '../database/migrate';

/** `npm run seed`: migrates and seeds the demo data into DATABASE_URL. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error(
      'Set DATABASE_URL (the demo seeds its embedded database itself: DEMO_SEED=true)',
    );
  const dataSource = await new DataSource(
    dataSourceOptions({ ...config, url: config.DATABASE_URL }),
  ).initialize();
  try {
    await runMigrations(dataSource);
    await seedDemo(dataSource, config);
    process.stdout.write('Demo data seeded\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
