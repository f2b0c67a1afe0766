import { Body, Controller, HttpCode, HttpStatus, Module, Post } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { Roles } from '../../src/common/auth/auth.decorators';
import { AppException } from '../../src/common/errors/app-exception';
import { Idempotent } from '../../src/common/idempotency/idempotency.interceptor';
import { Ctx, RequestContext } from '../../src/common/request-context';
import { TransactionalConnection } from '../../src/common/transaction/transactional-connection';

export const PROBE_TABLE = `
  CREATE TABLE probe_grants (
    id serial PRIMARY KEY,
    member_id uuid NOT NULL,
    amount int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE probe_closings (key text PRIMARY KEY, response_stored boolean NOT NULL);
  CREATE TABLE probe_rows (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
  INSERT INTO probe_rows (id) VALUES (1), (2)`;

/** The advisory lock /probe/lock-pair waits on between its two rows: a test holds it to line requests up. */
export const PROBE_GATE = 4242;

class LockPairRequest {
  @IsInt() first!: number;
  @IsInt() second!: number;
}

class GrantRequest {
  @IsInt() @Min(1) @Max(1000) amount!: number;
  @IsString() note!: string;
}

/**
 * Routes that exist only in tests, to drive the shared request mechanisms (transaction,
 * idempotency, error rendering) the way a value-creating route would.
 */
@Controller('probe')
@Roles('shopper')
class ProbeController {
  constructor(private readonly connection: TransactionalConnection) {}

  @Post('grants')
  @Idempotent({ required: true })
  async grant(@Ctx() ctx: RequestContext, @Body() body: GrantRequest) {
    const [row] = await this.connection.query<{ id: number; created_at: Date }>(
      ctx,
      `INSERT INTO probe_grants (member_id, amount) VALUES ($1, $2) RETURNING id, created_at`,
      [ctx.memberId, body.amount],
    );
    // Widen the window in which concurrent duplicates could slip through.
    await this.connection.query(ctx, `SELECT pg_sleep(0.05)`);
    if (body.note === 'fail-after-write') throw new Error('secret internal detail: disk on fire');
    // Before-commit work: what it sees of the stored response, or a refusal that undoes it all.
    if (body.note === 'closing-check') {
      ctx.beforeCommit(async () => {
        await this.connection.query(
          ctx,
          `INSERT INTO probe_closings SELECT key, response_body IS NOT NULL FROM idempotency_keys WHERE key = $1`,
          [ctx.idempotencyKey],
        );
      });
    }
    if (body.note === 'closing-refused') {
      ctx.beforeCommit(async () => {
        throw new AppException(HttpStatus.CONFLICT, ErrorCode.OutOfStock, 'Sold out');
      });
    }
    return { grantId: row.id, amount: body.amount, at: row.created_at };
  }

  /** Updates one probe row, waits at the gate, then updates the other: two in opposite orders deadlock. */
  @Post('lock-pair')
  @HttpCode(200)
  async lockPair(@Ctx() ctx: RequestContext, @Body() body: LockPairRequest) {
    await this.connection.query(ctx, `UPDATE probe_rows SET n = n + 1 WHERE id = $1`, [body.first]);
    await this.connection.query(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, [PROBE_GATE]);
    await this.connection.query(ctx, `UPDATE probe_rows SET n = n + 1 WHERE id = $1`, [
      body.second,
    ]);
    return { done: true };
  }

  /** A statement that runs past the statement timeout. */
  @Post('slow')
  @HttpCode(200)
  async slow(@Ctx() ctx: RequestContext) {
    await this.connection.query(ctx, `SET LOCAL statement_timeout = 50`);
    await this.connection.query(ctx, `SELECT pg_sleep(2)`);
    return { done: true };
  }

  @Post('crash')
  @HttpCode(200)
  crash(): never {
    throw new Error('secret internal detail: stack and passwords');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
