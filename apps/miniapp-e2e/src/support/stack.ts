import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';

const ROOT = resolve(__dirname, '../../../..');

export const JOURNEY_ADMIN = { username: 'admin', password: 'journey-admin-password' };

/** The operator logged in to the stack's BFF: the headers of their requests. */
export async function operator(stack: Stack): Promise<Record<string, string>> {
  const { accessToken } = await stack.api<{ accessToken: string }>(
    'POST',
    '/admin/auth/login',
    JOURNEY_ADMIN,
  );
  return { authorization: `Bearer ${accessToken}` };
}

/** A member logged in through the API, as their phone would: their id and headers. */
export async function member(
  stack: Stack,
  name: string,
): Promise<{ id: string; auth: Record<string, string> }> {
  const login = await stack.api<{ accessToken: string; member: { id: string } }>(
    'POST',
    '/auth/wechat-login',
    { code: `dev:${name}` },
  );
  return { id: login.member.id, auth: { authorization: `Bearer ${login.accessToken}` } };
}

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitFor(url: string, process: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (process.exitCode !== null) throw new Error(`${url} exited early:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up:\n${output()}`);
}

function start(command: string[], env: Record<string, string>) {
  let output = '';
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

export interface Stack {
  bffUrl: string;
  /** Calls the BFF's API directly, as another client would. */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T>;
  h5Url: string;
  databaseUrl: string;
  /** Runs SQL on the stack's database, for set-up that has no route yet. */
  sql(text: string, params?: unknown[]): Promise<unknown[]>;
  stop(): Promise<void>;
}

/**
 * The real thing, as a user meets it: the built BFF on its own PostgreSQL database and the
 * H5 build of the mini-program, served with /api forwarded to that BFF.
 */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const server = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `linli_journey_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = Object.assign(new URL(server), { pathname: `/${database}` }).toString();

  // Stops what has started, latest first, and drops the database: after the journeys, or
  // when the stack fails to start (a missing build, say), so that nothing is left behind.
  const started: ChildProcess[] = [];
  const stop = async () => {
    for (const child of [...started].reverse()) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
    const cleanup = new Client({ connectionString: server });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await cleanup.end();
  };

  const bffPort = await freePort();
  const bff = start(['node', 'dist/bff/apps/bff/src/main.js'], {
    DATABASE_URL: databaseUrl,
    PORT: String(bffPort),
    AUTH_DEV_LOGIN: 'true',
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    // Every neighbour of a journey file logs in from 127.0.0.1, where phones each have their own.
    LOGIN_RATE_LIMIT: '1000',
    ADMIN_USERNAME: JOURNEY_ADMIN.username,
    ADMIN_PASSWORD: JOURNEY_ADMIN.password,
    ...env,
  });
  started.push(bff.child);
  const bffUrl = `http://127.0.0.1:${bffPort}`;
  const h5Port = await freePort();
  const h5 = start(
    [
      'node',
      'scripts/h5-server.js',
      '--root',
      'dist/miniapp/h5',
      '--port',
      String(h5Port),
      '--api',
      bffUrl,
    ],
    {},
  );
  started.push(h5.child);
  const h5Url = `http://127.0.0.1:${h5Port}`;
  try {
    await waitFor(`${bffUrl}/api/health`, bff.child, bff.output);
    await waitFor(`${h5Url}/`, h5.child, h5.output);
  } catch (error) {
    await stop();
    throw error;
  }

  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> => {
    const res = await fetch(`${bffUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json as T;
  };

  const sql = async (text: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  return {
    bffUrl,
    api,
    sql,
    h5Url,
    databaseUrl,
    stop,
  };
}
