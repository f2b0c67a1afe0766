import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { runMigrations } from '../database/migrate';

/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error('Set DATABASE_URL (the BFF migrates its embedded database at start-up)');
  const dataSource = await new DataSource(
    dataSourceOptions({ ...config, url: config.DATABASE_URL }),
  ).initialize();
  try {
    const applied = await runMigrations(dataSource);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to apply\n',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
