import { HttpStatus, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { TokenService } from '../../common/auth/token.service';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { FailureCounter } from '../../common/rate-limit/failure-counter';
import { REDIS } from '../../common/redis';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AdminLoginResponse } from './dto/admin-login.dto';
import { hashPassword, verifyPassword } from './password-hash';

// Compared against when the username is unknown, so that timing does not reveal usernames.
const UNKNOWN_USER_HASH = 'scrypt$00000000000000000000000000000000$' + '0'.repeat(64);

@Injectable()
export class AdminAuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminAuthService.name);
  /** Wrong passwords by username, whatever address they come from. */
  private readonly failures: FailureCounter;

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    clock: Clock,
    @Inject(REDIS) redis: Redis | null,
  ) {
    this.failures = new FailureCounter(
      redis,
      clock,
      `${config.REDIS_KEY_PREFIX}admin-login-failures:`,
      config.ADMIN_LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    );
  }

  /** The first admin comes from configuration; an existing account is left as it is. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_USERNAME: username, ADMIN_PASSWORD: password } = this.config;
    if (!username || !password) return;
    const created = await this.connection.query(
      RequestContext.forSystem('admin-bootstrap'),
      `INSERT INTO admin_users (username, password_hash) VALUES ($1, $2)
       ON CONFLICT (username) DO NOTHING RETURNING id`,
      [username, await hashPassword(password)],
    );
    if (created.length > 0) this.logger.log({ username }, 'bootstrap admin created');
  }

  /**
   * The per-address limit alone lets guesses spread over many addresses through (an IPv6 range
   * holds billions), so each account takes only so many wrong passwords per window. Every
   * attempt counts as a failure before the password is checked, and a right one is taken back
   * after: guesses sent all at once cannot slip past the limit. Unknown usernames count alike.
   */
  async login(
    ctx: RequestContext,
    username: string,
    password: string,
  ): Promise<AdminLoginResponse> {
    const limit = this.config.ADMIN_LOGIN_FAILURE_LIMIT;
    if ((await this.failures.record(username)) > limit) {
      throw new AppException(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCode.RateLimited,
        'Too many wrong passwords for this account: wait a while before trying again',
        { limit },
      );
    }
    const [admin] = await this.connection.query<{ id: string; password_hash: string }>(
      ctx,
      `SELECT id, password_hash FROM admin_users WHERE username = $1`,
      [username],
    );
    const valid = await verifyPassword(password, admin?.password_hash ?? UNKNOWN_USER_HASH);
    if (!admin || !valid) {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.AdminLoginFailed,
        'Wrong username or password',
      );
    }
    await this.failures.forgive(username);
    return {
      accessToken: this.tokens.signAccess({ kind: 'admin', id: admin.id, roles: ['admin'] }),
    };
  }
}
