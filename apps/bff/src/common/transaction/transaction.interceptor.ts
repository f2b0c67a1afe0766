import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { contextOf } from '../request-context';
import { TransactionalConnection } from './transactional-connection';

const NO_TRANSACTION = 'linli:no-transaction';

/** For routes that manage their own transactions (long jobs, batched work). */
export const NoTransaction = () => SetMetadata(NO_TRANSACTION, true);

/** Wraps a request in one database transaction; create-app binds it to every mutating route. */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly reflector: Reflector,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const skip = this.reflector.getAllAndOverride<boolean>(NO_TRANSACTION, [
      execution.getHandler(),
      execution.getClass(),
    ]);
    if (skip) return next.handle();
    const ctx = contextOf(execution.switchToHttp().getRequest<Request>());
    return from(
      this.connection.withTransaction(ctx, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }
}
