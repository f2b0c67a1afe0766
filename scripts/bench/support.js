// Shared by the benchmark scripts: a database, the built BFF as a process, timed load loops.
const { spawn } = require('node:child_process');
const http = require('node:http');
const { randomBytes } = require('node:crypto');
const net = require('node:net');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '../..');

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh database on the benchmark server (TEST_DATABASE_URL, else local PostgreSQL). */
async function createDatabase() {
  const server = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `linli_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  return {
    url,
    async drop() {
      const c = new Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The built BFF (dist/bff) on the given database, until stop(). */
async function startBff(databaseUrl, env = {}) {
  const port = await freePort();
  let output = '';
  const child = spawn('node', ['dist/bff/apps/bff/src/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'error',
      JOBS_ENABLED: 'false',
      AUTH_DEV_LOGIN: 'true',
      LOGIN_RATE_LIMIT: '100000',
      ADMIN_USERNAME: 'bench-admin',
      ADMIN_PASSWORD: 'bench-admin-password',
      ...env,
    },
    stdio: 'pipe',
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`BFF exited:\n${output}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    admin: { username: 'bench-admin', password: 'bench-admin-password' },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

// Keep-alive connections through node:http: a load client much lighter than fetch, so that
// the client is not what limits the figures.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function call(base, method, route, body, headers = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(`${base}/api/v1${route}`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent,
        headers: {
          'content-type': 'application/json',
          ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          const json = text ? JSON.parse(text) : null;
          if (response.statusCode >= 400)
            reject(new Error(`${method} ${route}: ${response.statusCode} ${text}`));
          else resolve(json);
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * Runs `concurrency` workers, each calling `op(worker, i)` in a loop for `seconds`, after a
 * one-second warm-up. Returns throughput and latency percentiles; failures are counted.
 */
async function load({ concurrency, seconds, op }) {
  const warmUntil = Date.now() + 1000;
  const stopAt = warmUntil + seconds * 1000;
  const latencies = [];
  let failures = 0;
  let firstError = null;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const started = process.hrtime.bigint();
        try {
          await op(worker, i);
          if (Date.now() > warmUntil)
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        } catch (error) {
          failures += 1;
          firstError ??= error;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    ops: latencies.length,
    perSecond: latencies.length / seconds,
    p50: pct(50),
    p99: pct(99),
    failures,
    firstError,
  };
}

/**
 * The lightest authenticated route (one small read), loaded like the operation under test:
 * the ceiling any API operation can reach on this machine, printed beside it for context.
 */
function apiFloor(base, auth, { concurrency, seconds }) {
  return load({
    concurrency,
    seconds,
    op: () => call(base, 'GET', '/admin/points-policy', undefined, auth),
  });
}

function report(title, baseline, rows) {
  console.log(`\n${title}`);
  console.log('  phase                         ops/s   vs raw     p50 ms   p99 ms   failures');
  for (const [name, r] of [['raw SQL (baseline)', baseline], ...rows]) {
    const ratio = (r.perSecond / baseline.perSecond) * 100;
    console.log(
      `  ${name.padEnd(26)} ${r.perSecond.toFixed(0).padStart(8)} ${`${ratio.toFixed(0)}%`.padStart(8)} ${r.p50.toFixed(2).padStart(10)} ${r.p99.toFixed(2).padStart(8)} ${String(r.failures).padStart(10)}`,
    );
    if (r.firstError) console.log(`    first failure: ${r.firstError.message}`);
  }
}

module.exports = { ROOT, createDatabase, startBff, call, load, apiFloor, report };
