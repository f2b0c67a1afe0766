// Shared by the benchmark scripts: a database, the built BFF as a process, timed load loops.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const { randomBytes } = require('node:crypto');
const net = require('node:net');
const path = require('node:path');
const { Client, Pool } = require('pg');

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
  // BENCH_CPU_PROFILE=<folder>: the BFF writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`]
    : [];
  const child = spawn('node', [...profile, 'dist/bff/apps/bff/src/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
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
  let up = false;
  for (let i = 0; i < 240 && !up; i++) {
    if (child.exitCode !== null) throw new Error(`BFF exited:\n${output}`);
    try {
      up = (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok;
    } catch {
      // not up yet
    }
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`BFF did not answer within 60 s:\n${output}`);
  }
  return {
    base,
    pid: child.pid,
    admin: { username: 'bench-admin', password: 'bench-admin-password' },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Loads scripts/bench/bare-http-server.js (`node` or `nest`) answering every request with one
 * raw-SQL operation (`earn` or `take-stock`), each client posting `body(worker)`: a phase like the
 * API's, with the same CPU meter.
 */
async function loadBareHttp(framework, operation, databaseUrl, body) {
  const child = spawn(
    'node',
    [path.join(__dirname, 'bare-http-server.js'), framework, operation, databaseUrl],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
    child.once('exit', (code) => reject(new Error(`bare HTTP server exited with ${code}`)));
  });
  try {
    return await load({
      cpu: cpuMeter({ bffPid: child.pid, databaseUrl }),
      op: (worker) => call(`http://127.0.0.1:${port}`, 'POST', `/${operation}`, body(worker)),
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

// Every timed phase of a benchmark runs this many clients for this long, after a warm-up.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS || 5);

const CLOCK_TICKS_PER_SECOND =
  Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * A process's name, parent and CPU clock ticks so far, its own and those of its children that
 * have exited; null once it is gone.
 */
function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name, field 2, is in parentheses and may hold spaces: the fields after it count from the last ')'.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return {
      name,
      parent: fields[1],
      ownTicks: fields[11] + fields[12],
      exitedChildrenTicks: fields[13] + fields[14],
    };
  } catch {
    return null;
  }
}

const ticksToMs = (ticks) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;

/** CPU milliseconds (user + system) a process has used so far, or 0 once it is gone. */
function processCpuMs(pid) {
  return ticksToMs(procStat(pid)?.ownTicks ?? 0);
}

/**
 * CPU milliseconds used so far by every PostgreSQL server of this machine: each process's own
 * time, plus, for each postmaster, the time of the backends that have already exited.
 */
function postgresCpuMs() {
  const postgres = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) && procStat(entry);
    if (stat && stat.name === 'postgres') postgres.set(Number(entry), stat);
  }
  let ticks = 0;
  for (const stat of postgres.values()) {
    const isPostmaster = !postgres.has(stat.parent);
    ticks += stat.ownTicks + (isPostmaster ? stat.exitedChildrenTicks : 0);
  }
  return ticksToMs(ticks);
}

/**
 * Where the CPU goes during a phase: this load client, the BFF process when given, and every
 * PostgreSQL process of this machine when the database is local. A phase's throughput is bounded
 * by the machine's cores divided by the CPU one operation costs across all of them.
 */
function cpuMeter({ bffPid, databaseUrl }) {
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(databaseUrl).hostname);
  return () => {
    const client = process.cpuUsage();
    const sample = { client: (client.user + client.system) / 1000 };
    if (bffPid) sample.bff = processCpuMs(bffPid);
    if (local) sample.postgres = postgresCpuMs();
    return sample;
  };
}

/**
 * A pool for the raw-SQL phases, on the driver the BFF uses (built into dist by the bench
 * scripts): each parameterised statement is prepared once per connection, as the BFF's are,
 * so that raw SQL and the API are measured alike.
 */
function sqlPool(databaseUrl) {
  const { PreparingClient } = require(
    path.join(ROOT, 'dist/bff/apps/bff/src/database/preparing-client'),
  );
  return new Pool({ connectionString: databaseUrl, max: CONCURRENCY, Client: PreparingClient });
}

/** Runs `work(client)` in one transaction on a client of the pool: the raw-SQL phases' unit of work. */
async function inTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
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
 * Runs BENCH_CONCURRENCY (16) workers, each calling `op(worker, i)` in a loop for BENCH_SECONDS
 * (5), after a warm-up of BENCH_WARMUP_SECONDS (5): the BFF's code paths are optimised by V8
 * only after some thousands of calls, and a server that has just started is not what users meet.
 * Returns throughput and latency percentiles; failures are counted. With a `cpu` meter, also
 * the CPU milliseconds one operation cost in each process it measures.
 */
async function load({ op, cpu }) {
  const warmUpMs = WARM_UP_SECONDS * 1000;
  const warmUntil = Date.now() + warmUpMs;
  const stopAt = warmUntil + SECONDS * 1000;
  const latencies = [];
  let failures = 0;
  let firstError = null;
  let cpuAtStart = null;
  const warmUp = cpu && setTimeout(() => (cpuAtStart = cpu()), warmUpMs);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
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
  clearTimeout(warmUp);
  const cpuAtEnd = cpuAtStart && cpu();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    ops: latencies.length,
    perSecond: latencies.length / SECONDS,
    p50: pct(50),
    p99: pct(99),
    failures,
    firstError,
    cpuMsPerOp:
      cpuAtEnd &&
      Object.fromEntries(
        Object.keys(cpuAtEnd).map((name) => [
          name,
          (cpuAtEnd[name] - cpuAtStart[name]) / Math.max(latencies.length, 1),
        ]),
      ),
  };
}

/**
 * The lightest authenticated route (one small read), loaded like the operation under test:
 * the ceiling any API operation can reach on this machine, printed beside it for context.
 */
function apiFloor(base, auth, cpu) {
  return load({ op: () => call(base, 'GET', '/admin/points-policy', undefined, auth), cpu });
}

function report(title, baseline, rows) {
  const phases = [['raw SQL (baseline)', baseline], ...rows];
  console.log(`\n${title}`);
  console.log('  phase                              ops/s   vs raw     p50 ms   p99 ms   failures');
  for (const [name, r] of phases) {
    const ratio = (r.perSecond / baseline.perSecond) * 100;
    console.log(
      `  ${name.padEnd(31)} ${r.perSecond.toFixed(0).padStart(8)} ${`${ratio.toFixed(0)}%`.padStart(8)} ${r.p50.toFixed(2).padStart(10)} ${r.p99.toFixed(2).padStart(8)} ${String(r.failures).padStart(10)}`,
    );
    if (r.firstError) console.log(`    first failure: ${r.firstError.message}`);
  }
  const measured = phases.filter(([, r]) => r.cpuMsPerOp);
  if (measured.length === 0) return;
  const cores = os.availableParallelism();
  const cell = (ms) => (ms === undefined ? '-' : ms.toFixed(2)).padStart(9);
  console.log(
    `\n  CPU ms per operation              postgres    server    client     total   ceiling on ${cores} cores`,
  );
  for (const [name, r] of measured) {
    const { postgres, bff, client } = r.cpuMsPerOp;
    const total = (postgres ?? 0) + (bff ?? 0) + client;
    console.log(
      `  ${name.padEnd(31)} ${cell(postgres)} ${cell(bff)} ${cell(client)} ${cell(total)} ${`${((cores * 1000) / total).toFixed(0)}/s`.padStart(10)}`,
    );
  }
}

/** Runs fn once: how long it took, in milliseconds, and what it answered. */
async function timed(fn) {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

/** Phases run once, [name, ms] after the baseline's: each time and its ratio to the baseline. */
function reportTimes(baselineName, baselineMs, rows) {
  console.log('\n  phase                                      time   vs baseline');
  for (const [name, ms] of [[baselineName, baselineMs], ...rows]) {
    console.log(
      `  ${name.padEnd(36)} ${(ms / 1000).toFixed(2).padStart(8)} s ${`${(ms / baselineMs).toFixed(1)}x`.padStart(8)}`,
    );
  }
}

/** A benchmark's main: a failure prints its error and exits non-zero. */
function runBenchmark(main) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = {
  ROOT,
  CONCURRENCY,
  SECONDS,
  createDatabase,
  startBff,
  loadBareHttp,
  cpuMeter,
  sqlPool,
  inTransaction,
  call,
  load,
  apiFloor,
  report,
  timed,
  reportTimes,
  runBenchmark,
};
