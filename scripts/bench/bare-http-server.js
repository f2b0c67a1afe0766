#!/usr/bin/env node
// A bare node:http server that answers every request by running one raw-SQL operation of a
// benchmark: no framework, no authentication, no validation. Loaded like the API, it shows what
// HTTP alone adds to the raw figure on this machine, the ceiling of any HTTP API doing that work.
//
//   node scripts/bench/bare-http-server.js <earn|take-stock> <database url>
// prints its port on stdout once it listens.
const http = require('node:http');
const { sqlPool } = require('./support');
const { rawOperations } = require('./raw-operations');

const [operation, databaseUrl] = process.argv.slice(2);
const pool = sqlPool(databaseUrl);
const runOperation = rawOperations[operation];
if (!runOperation) throw new Error(`unknown operation ${operation}`);
const run = (worker) => runOperation(pool, worker);

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
