import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { createApp, listen } from './create-app';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
  // Variables already in the environment win over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config: AppConfig = loadConfig(process.env, { serving: true });
  let embedded: RunningPostgres | null = null;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    process.stdout.write(
      `Starting embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} on port ${config.EMBEDDED_PG_PORT}\n`,
    );
    embedded = await startEmbeddedPostgres({
      dir: config.EMBEDDED_PG_DIR,
      port: config.EMBEDDED_PG_PORT,
      notice: (line) => process.stdout.write(`${line}\n`),
    });
    databaseUrl = embedded.url;
  }
  const app = await createApp({
    ...config,
    DATABASE_URL: databaseUrl,
  }).catch(async (error) => {
    await embedded?.stop();
    throw error;
  });
  await listen(app, config.PORT, config.HOST);
  process.stdout.write(
    `Linli BFF listening on http://127.0.0.1:${config.PORT}/api/v1 (docs at /api/docs)\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}, shutting down\n`);
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : (error?.stack ?? error)}\n`,
  );
  process.exit(1);
});
