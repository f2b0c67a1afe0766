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
import { from, lastValueFrom, Observable, tap } from 'rxjs';
import { AppException } from '../errors/app-exception';
import { queryRows } from '../transaction/query-rows';
import { contextOf, RequestContext } from '../request-context';
import { TransactionalConnection } from '../transaction/transactional-connection';
import { stableJson } from './stable-json';

const IDEMPOTENT = 'linli:idempotent';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

export interface IdempotentOptions {
  /** When true, a request without the header is refused. */
  required?: boolean;
  /**
   * The route opens its transaction itself, after work that must hold no database connection
   * (asking a payment provider), and runs what it writes and answers through
   * `IdempotencyKeys.once` in it.
   */
  ownTransaction?: boolean;
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

/** A request with an Idempotency-Key: whose, the key, and a digest of what it asks. */
interface KeyedRequest {
  scope: string;
  key: string;
  fingerprint: string;
  /** Whether `once` ran for it, and whether it answered with the stored first response. */
  settled?: 'first' | 'replayed';
}

/**
 * Runs a keyed request's work once per key, in the request's transaction, so that the stored
 * response commits or rolls back with the work it describes. A concurrent request with the same
 * key waits on the unique key until the first one finishes, then replays it.
 */
@Injectable()
export class IdempotencyKeys {
  private readonly requests = new WeakMap<RequestContext, KeyedRequest>();

  constructor(private readonly connection: TransactionalConnection) {}

  /** Notes the request's key and what it asks, for `once`. */
  expect(ctx: RequestContext, request: KeyedRequest): void {
    this.requests.set(ctx, request);
  }

  /**
   * The work's answer, or the stored answer of the first request with the same key (the work
   * does not run then). A request without a key just runs the work.
   */
  async once<T>(ctx: RequestContext, work: () => Promise<T>): Promise<T> {
    const request = this.requests.get(ctx);
    if (!request) return work();
    if (!ctx.manager) throw new Error('Idempotent work must run inside a transaction');
    const claimed = await queryRows(
      ctx.manager,
      `INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [request.scope, request.key, request.fingerprint],
    );
    if (claimed.length === 0) {
      // The claim waited for an earlier request with the key to commit: its answer is there.
      const stored = await this.storedAnswer<T>(ctx, request);
      if (!stored) throw new Error('an Idempotency-Key was taken with no answer committed');
      return stored.answer;
    }
    ctx.idempotencyKey = request.key;
    const body = await work();
    await ctx.manager.query(
      `UPDATE idempotency_keys SET response_body = $3::jsonb WHERE scope = $1 AND key = $2`,
      [request.scope, request.key, JSON.stringify(body ?? null)],
    );
    request.settled = 'first';
    return body;
  }

  /**
   * For a route with its own transaction, before the work it does outside it (asking a payment
   * provider): the stored answer of an earlier request with the same key, which is then the
   * answer (replayed); none while no request with the key has committed. The same key with a
   * different request is a 422 here already, before anything is asked of anyone.
   */
  async answeredBefore<T>(ctx: RequestContext): Promise<{ answer: T } | undefined> {
    const request = this.requests.get(ctx);
    return request && this.storedAnswer<T>(ctx, request);
  }

  /** The committed answer to the key, marking the request replayed; 422 for another request. */
  private async storedAnswer<T>(
    ctx: RequestContext,
    request: KeyedRequest,
  ): Promise<{ answer: T } | undefined> {
    const [previous] = await this.connection.query<{
      fingerprint: string;
      response_body: unknown;
    }>(
      ctx,
      `SELECT fingerprint, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [request.scope, request.key],
    );
    if (!previous) return undefined;
    if (previous.fingerprint !== request.fingerprint) throw idempotencyKeyReused();
    request.settled = 'replayed';
    return { answer: previous.response_body as T };
  }

  /** How `once` settled the request: undefined when it never ran for it. */
  settled(ctx: RequestContext): KeyedRequest['settled'] {
    return this.requests.get(ctx)?.settled;
  }
}

/**
 * Makes the routes marked `@Idempotent` exactly-once per key: inside the request's transaction,
 * or, for a route with its own, by the route's call of `IdempotencyKeys.once`. A replay is
 * answered with the header Idempotent-Replayed: true.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyKeys,
  ) {}

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
    this.keys.expect(ctx, { scope, key, fingerprint });
    const response = execution.switchToHttp().getResponse<Response>();
    const answer = options.ownTransaction
      ? next.handle()
      : from(this.keys.once(ctx, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
    return answer.pipe(
      tap(() => {
        const settled = this.keys.settled(ctx);
        if (!settled) throw new Error('An idempotent route answered without IdempotencyKeys.once');
        if (settled === 'replayed') response.setHeader('Idempotent-Replayed', 'true');
      }),
    );
  }
}
