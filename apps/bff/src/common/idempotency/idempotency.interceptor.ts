import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ErrorCode } from '@linli/shared';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { from, mergeMap, Observable, of } from 'rxjs';
import { AppException } from '../errors/app-exception';
import { queryRows } from '../transaction/query-rows';
import { contextOf, RequestContext } from '../request-context';
import { stableJson } from './stable-json';

const IDEMPOTENT = 'linli:idempotent';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

export interface IdempotentOptions {
  /** When true, a request without the header is refused. */
  required?: boolean;
}

/** The same Idempotency-Key came with a different request (DESIGN.md section 3: a 422). */
export const idempotencyKeyReused = () =>
  new AppException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.IdempotencyKeyReused,
    'This Idempotency-Key was already used with a different request',
  );

/**
 * Marks a mutating route as exactly-once per `Idempotency-Key`: a replay returns the stored
 * first response, the same key with a different request is a 422.
 */
export const Idempotent = (options: IdempotentOptions = {}) =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required ?? false,
      description: `${options.required ? 'Required' : 'Optional'}: 8-128 of A-Z a-z 0-9 _ - : . A replay with the same key returns the first response (header Idempotent-Replayed: true); the same key with a different request is a 422 IDEMPOTENCY_KEY_REUSED.`,
      schema: { type: 'string', pattern: KEY_PATTERN.source },
    }),
    ApiUnprocessableEntityResponse({
      description: 'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key came with a different request',
    }),
  );

/**
 * Runs inside the request's transaction, so the stored response commits or rolls back with
 * the work it describes. A concurrent request with the same key waits on the unique key
 * until the first one finishes, then replays it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<IdempotentOptions | undefined>(
      IDEMPOTENT,
      execution.getHandler(),
    );
    if (!options) return next.handle();
    const request = execution.switchToHttp().getRequest<Request>();
    const key = request.header(IDEMPOTENCY_HEADER);
    if (!key) {
      if (options.required) {
        throw new AppException(
          HttpStatus.BAD_REQUEST,
          ErrorCode.ValidationFailed,
          'Idempotency-Key header is required',
        );
      }
      return next.handle();
    }
    if (!KEY_PATTERN.test(key)) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'Idempotency-Key must be 8-128 characters of letters, digits, - _ : .',
      );
    }
    const ctx = contextOf(request);
    const scope = ctx.actor ? `${ctx.actor.kind}:${ctx.actor.id}` : 'anonymous';
    const fingerprint = createHash('sha256')
      .update(
        `${request.method} ${request.originalUrl.split('?')[0]}\n${stableJson(request.body ?? null)}`,
      )
      .digest('hex');
    const response = execution.switchToHttp().getResponse<Response>();

    return from(this.claim(ctx, scope, key, fingerprint)).pipe(
      mergeMap((stored) => {
        if (stored !== undefined) {
          response.setHeader('Idempotent-Replayed', 'true');
          return of(stored);
        }
        ctx.idempotencyKey = key;
        return next.handle().pipe(mergeMap((body) => from(this.store(ctx, scope, key, body))));
      }),
    );
  }

  /** Returns the stored response of an earlier request with this key, or undefined when this one goes first. */
  private async claim(
    ctx: RequestContext,
    scope: string,
    key: string,
    fingerprint: string,
  ): Promise<unknown> {
    const manager = this.transactionOf(ctx);
    const claimed = await queryRows(
      manager,
      `INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, fingerprint],
    );
    if (claimed.length > 0) return undefined;
    const [previous] = await queryRows<{ fingerprint: string; response_body: unknown }>(
      manager,
      `SELECT fingerprint, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (previous.fingerprint !== fingerprint) throw idempotencyKeyReused();
    return previous.response_body;
  }

  private async store(
    ctx: RequestContext,
    scope: string,
    key: string,
    body: unknown,
  ): Promise<unknown> {
    await this.transactionOf(ctx).query(
      `UPDATE idempotency_keys SET response_body = $3::jsonb WHERE scope = $1 AND key = $2`,
      [scope, key, JSON.stringify(body ?? null)],
    );
    return body;
  }

  private transactionOf(ctx: RequestContext) {
    if (!ctx.manager) throw new Error('Idempotent routes must run inside the request transaction');
    return ctx.manager;
  }
}
