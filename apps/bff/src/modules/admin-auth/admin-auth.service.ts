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
/** How long an address an admin logged in from keeps its own budget of wrong passwords. */
const KNOWN_ADDRESS_DAYS = 30;

@Injectable()
export class AdminAuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminAuthService.name);
  /** Wrong passwords by username, whatever address they come from... */
  private readonly failures: FailureCounter;
  /** ...but from one of the account's known addresses: by address and username. */
  private readonly failuresFromKnownAddresses: FailureCounter;

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(REDIS) redis: Redis | null,
  ) {
    const counter = (name: string) =>
      new FailureCounter(
        redis,
        this.clock,
        `${config.REDIS_KEY_PREFIX}${name}:`,
        config.ADMIN_LOGIN_FAILURE_WINDOW_SECONDS * 1000,
      );
    this.failures = counter('admin-login-failures');
    this.failuresFromKnownAddresses = counter('admin-login-failures-known');
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
   * An address the account logged in from in the last KNOWN_ADDRESS_DAYS counts apart, with the
   * same limit: guesses from elsewhere cannot lock its operator out.
   */
  async login(
    ctx: RequestContext,
    username: string,
    password: string,
    address: string,
  ): Promise<AdminLoginResponse> {
    const [admin] = await this.connection.query<{
      id: string;
      password_hash: string;
      known: boolean;
    }>(
      ctx,
      `SELECT u.id, u.password_hash, EXISTS (
           SELECT 1 FROM admin_login_addresses a
           WHERE a.admin_user_id = u.id AND a.address = $2
             AND a.last_login_at > $3::timestamptz - make_interval(days => $4)) AS known
       FROM admin_users u WHERE u.username = $1`,
      [username, address, this.clock.now(), KNOWN_ADDRESS_DAYS],
    );
    // An address holds no spaces.
    const [failures, counted] = admin?.known
      ? [this.failuresFromKnownAddresses, `${address} ${username}`]
      : [this.failures, username];
    const limit = this.config.ADMIN_LOGIN_FAILURE_LIMIT;
    if ((await failures.record(counted)) > limit) {
      throw new AppException(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCode.RateLimited,
        'Too many wrong passwords for this account: wait a while before trying again',
        { limit },
      );
    }
    const valid = await verifyPassword(password, admin?.password_hash ?? UNKNOWN_USER_HASH);
    if (!admin || !valid) {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.AdminLoginFailed,
        'Wrong username or password',
      );
    }
    await failures.forgive(counted);
    await this.connection.query(
      ctx,
      `INSERT INTO admin_login_addresses (admin_user_id, address, last_login_at) VALUES ($1, $2, $3)
       ON CONFLICT (admin_user_id, address) DO UPDATE SET last_login_at = excluded.last_login_at`,
      [admin.id, address, this.clock.now()],
    );
    return {
      accessToken: this.tokens.signAccess({ kind: 'admin', id: admin.id, roles: ['admin'] }),
    };
  }
}
