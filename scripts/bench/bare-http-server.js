#!/usr/bin/env node
// A bare HTTP server that answers every request by running one raw-SQL operation of a benchmark:
// no authentication, no validation, no logging. Loaded like the API, it shows what HTTP alone
// adds to the raw figure on this machine, the ceiling of any HTTP API doing that work.
//   - `node`: node:http and nothing else.
//   - `nest`: one NestJS route on the Express adapter, as the BFF's routes are, with no guard,
//     pipe, interceptor or middleware of the BFF's: the ceiling of a NestJS API doing that work.
//
//   node scripts/bench/bare-http-server.js <node|nest> <earn|take-stock> <database url>
// prints its port on stdout once it listens.
const http = require('node:http');
const { sqlPool } = require('./support');
const { rawOperations } = require('./raw-operations');

const [framework, operation, databaseUrl] = process.argv.slice(2);
const pool = sqlPool(databaseUrl);
const runOperation = rawOperations[operation];
if (!runOperation) throw new Error(`unknown operation ${operation}`);
const run = (worker) => runOperation(pool, worker);

function nodeServer() {
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
  return () => new Promise((resolve) => server.close(resolve));
}

async function nestServer() {
  require('reflect-metadata');
  const { Body, Controller, HttpCode, Module, Post } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');

  // Decorators applied by hand, as TypeScript would compile them.
  class OperationController {
    async run(body) {
      await run(body.worker);
      return { ok: true };
    }
  }
  const handler = Object.getOwnPropertyDescriptor(OperationController.prototype, 'run');
  Body()(OperationController.prototype, 'run', 0);
  Reflect.decorate([Post(operation), HttpCode(200)], OperationController.prototype, 'run', handler);
  Controller()(OperationController);
  class OperationModule {}
  Module({ controllers: [OperationController] })(OperationModule);

  const app = await NestFactory.create(OperationModule, { logger: false });
  app.setGlobalPrefix('api/v1');
  await app.listen(0, '127.0.0.1');
  console.log(app.getHttpServer().address().port);
  return () => app.close();
}

const servers = { node: nodeServer, nest: nestServer };
if (!servers[framework]) throw new Error(`unknown framework ${framework}`);
Promise.resolve(servers[framework]()).then((close) =>
  process.on('SIGTERM', () =>
    close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
  ),
);
