import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { createApp, listen } from './create-app';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
  // Variables already in the environment win over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config: AppConfig = loadConfig(process.env, { serving: true });
  let embedded: Promise<RunningPostgres> | null = null;
  let app: Awaited<ReturnType<typeof createApp>> | null = null;
  // From the start: a stop while PostgreSQL starts or the BFF sets up stops PostgreSQL too; once
  // serving, the BFF finishes its work first.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}, shutting down\n`);
    await app?.close();
    // One still starting is stopped once it has started.
    await (await embedded?.catch(() => null))?.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void stop(signal));

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    process.stdout.write(
      `Starting embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} on port ${config.EMBEDDED_PG_PORT}\n`,
    );
    embedded = startEmbeddedPostgres({
      dir: config.EMBEDDED_PG_DIR,
      port: config.EMBEDDED_PG_PORT,
      notice: (line) => process.stdout.write(`${line}\n`),
    });
    databaseUrl = (await embedded).url;
  }
  app = await createApp({
    ...config,
    DATABASE_URL: databaseUrl,
  }).catch(async (error) => {
    await (await embedded)?.stop();
    throw error;
  });
  await listen(app, config.PORT, config.HOST);
  process.stdout.write(
    `Linli BFF listening on http://127.0.0.1:${config.PORT}/api/v1 (docs at /api/docs)\n`,
  );
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : (error?.stack ?? error)}\n`,
  );
  process.exit(1);
});
