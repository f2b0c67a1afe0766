import { Global, Module } from '@nestjs/common';
import { AuthGuard } from './auth/auth.guard';
import { TokenService } from './auth/token.service';
import { Clock } from './clock';
import { IdempotencyInterceptor, IdempotencyKeys } from './idempotency/idempotency.interceptor';
import { TransactionInterceptor } from './transaction/transaction.interceptor';
import { TransactionalConnection } from './transaction/transactional-connection';

@Global()
@Module({
  providers: [
    TransactionalConnection,
    TokenService,
    Clock,
    AuthGuard,
    TransactionInterceptor,
    IdempotencyInterceptor,
    IdempotencyKeys,
  ],
  exports: [
    TransactionalConnection,
    TokenService,
    Clock,
    AuthGuard,
    TransactionInterceptor,
    IdempotencyInterceptor,
    IdempotencyKeys,
  ],
})
export class CommonModule {}
