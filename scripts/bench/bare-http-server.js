#!/usr/bin/env node
// A bare node:http server that answers every request by running one raw-SQL operation of a
// benchmark: no framework, no authentication, no validation. Loaded like the API, it shows what
// HTTP alone adds to the raw figure on this machine, the ceiling of any HTTP API doing that work.
//
//   node scripts/bench/bare-http-server.js <earn|take-stock> <database url>
// prints its port on stdout once it listens.
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { sqlPool, inTransaction } = require('./support');

const [operation, databaseUrl] = process.argv.slice(2);
const pool = sqlPool(databaseUrl);

const operations = {
  // The raw earn of points-bench.js: one journal insert and one lot update in a transaction.
  earn: (worker) =>
    inTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO bench_journal (id, member, amount, operation_key) VALUES ($1, $2, 1, $3)`,
        [randomUUID(), worker, randomUUID()],
      );
      await client.query(`UPDATE bench_lots SET remaining = remaining + 1 WHERE member = $1`, [
        worker,
      ]);
    }),
  // The raw stock update of orders-bench.js.
  'take-stock': async () => {
    const result = await pool.query(
      `UPDATE bench_stock SET stock = stock - 1 WHERE id = $1 AND stock >= 1`,
      [1],
    );
    if (result.rowCount !== 1) throw new Error('found no stock');
  },
};

const run = operations[operation];
if (!run) throw new Error(`unknown operation ${operation}`);

const server = http.createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    const { worker } = JSON.parse(text || '{}');
    run(worker).then(
      () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      },
      (error) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error.message }));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
