import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { EntityManager } from 'typeorm';

export type Role = 'shopper' | 'leader' | 'admin';

export interface Actor {
  kind: 'member' | 'admin';
  id: string;
  roles: Role[];
}

/** When, around its commit, a transaction runs work a request queued for it. */
type TransactionMoment = 'beforeCommit' | 'afterCommit';

/**
 * What a service needs to know about the request it serves: who asks, the request id for
 * logs, and the transaction the request runs in (one request = one transaction).
 */
export class RequestContext {
  actor: Actor | null = null;
  manager: EntityManager | null = null;
  /** The request's Idempotency-Key, once the idempotency interceptor has claimed it. */
  idempotencyKey: string | null = null;
  private readonly queued: Record<TransactionMoment, Array<() => Promise<void>>> = {
    beforeCommit: [],
    afterCommit: [],
  };

  constructor(readonly requestId: string) {}

  /** For jobs and scripts, which have no HTTP request; `manager` when they already hold a transaction. */
  static forSystem(name: string, manager: EntityManager | null = null): RequestContext {
    const ctx = new RequestContext(`${name}:${randomUUID()}`);
    ctx.manager = manager;
    return ctx;
  }

  /**
   * Work for once the context's transaction has committed, such as calling a provider about
   * what it decided; dropped if the transaction rolls back. The work must handle its own
   * failures: the transaction is over by then.
   */
  afterCommit(work: () => Promise<void>): void {
    this.queue('afterCommit', work);
  }

  /**
   * Work for the very end of the context's transaction, after everything else the request
   * writes (its stored Idempotency-Key response too) and just before the commit: a hot row
   * it locks stays locked only for the commit. If it throws, the transaction rolls back.
   */
  beforeCommit(work: () => Promise<void>): void {
    this.queue('beforeCommit', work);
  }

  /** Takes the work queued for that moment of the transaction, leaving none behind. */
  takeWork(moment: TransactionMoment): Array<() => Promise<void>> {
    return this.queued[moment].splice(0);
  }

  private queue(moment: TransactionMoment, work: () => Promise<void>): void {
    if (!this.manager?.queryRunner?.isTransactionActive)
      throw new Error(`${moment} needs a transaction in progress`);
    this.queued[moment].push(work);
  }

  get memberId(): string {
    if (this.actor?.kind !== 'member') throw new Error('No member in this request context');
    return this.actor.id;
  }
}

type RequestWithContext = Request & { linliContext?: RequestContext };

export function contextOf(request: Request): RequestContext {
  const req = request as RequestWithContext;
  req.linliContext ??= new RequestContext(String(req.id ?? randomUUID()));
  return req.linliContext;
}

/** Injects the RequestContext into a controller method. */
export const Ctx = createParamDecorator((_: unknown, execution: ExecutionContext) =>
  contextOf(execution.switchToHttp().getRequest<Request>()),
);
