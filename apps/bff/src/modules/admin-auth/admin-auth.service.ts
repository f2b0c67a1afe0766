import { HttpStatus, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppConfig } from '../../config/app-config';
import { TokenService } from '../../common/auth/token.service';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AdminLoginResponse } from './dto/admin-login.dto';
import { hashPassword, verifyPassword } from './password-hash';

// Compared against when the username is unknown, so that timing does not reveal usernames.
const UNKNOWN_USER_HASH = 'scrypt$00000000000000000000000000000000$' + '0'.repeat(64);

@Injectable()
export class AdminAuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminAuthService.name);

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

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

  async login(
    ctx: RequestContext,
    username: string,
    password: string,
  ): Promise<AdminLoginResponse> {
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
    return {
      accessToken: this.tokens.signAccess({ kind: 'admin', id: admin.id, roles: ['admin'] }),
    };
  }
}
