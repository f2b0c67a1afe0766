import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import type { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[\w-]{1,64}$/;

/**
 * What a logged error may say: what failed and where. Errors also carry the data of what
 * failed, which must not reach the logs: an HTTP client's error its request's body and headers
 * (a payer's openid, the merchant's signature), a failed query its parameters (openids, session
 * keys, phone numbers) and PostgreSQL's detail (the values of a violated key).
 */
const LOGGED_ERROR_FIELDS = [
  'type',
  'name',
  'message',
  'stack',
  'code',
  'status',
  'errno',
  'syscall',
  'query',
  'table',
  'constraint',
  'routine',
];

/** An error as the logs keep it; pino-http hands it over already serialised. */
function errorForLog(error: unknown): unknown {
  const serialized = error instanceof Error ? stdSerializers.err(error) : error;
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const fields = serialized as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const field of LOGGED_ERROR_FIELDS)
    if (fields[field] !== undefined) kept[field] = fields[field];
  if (Array.isArray(fields.aggregateErrors))
    kept.aggregateErrors = fields.aggregateErrors.map(errorForLog);
  return kept;
}

/** Structured JSON logs; every line of a request carries its id, which is echoed as X-Request-Id. */
export function loggerParams(config: AppConfig): Params {
  return {
    // Every path, in the path-to-regexp syntax of Express 5.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.LOG_LEVEL,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'],
      serializers: { err: errorForLog },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    },
  };
}
