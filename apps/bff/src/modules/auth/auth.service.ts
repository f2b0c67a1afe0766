import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { randomInt } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app-exception';
import { TokenService } from '../../common/auth/token.service';
import { Actor, RequestContext, Role } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import type { MemberTier } from '@linli/shared';
import { DEV_CODE_PREFIX, DEV_NAME_PATTERN, devOpenid } from './dev-login';
import { LoginResponse, TokenPair, WechatLoginRequest } from './dto/wechat-login.dto';
import { WechatIdentity, WechatSessionProvider } from './wechat-session.provider';

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newInviteCode(): string {
  return Array.from({ length: 8 }, () => INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]).join(
    '',
  );
}

interface LoginIdentity extends WechatIdentity {
  nickname: string;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly connection: TransactionalConnection,
    private readonly wechat: WechatSessionProvider,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  async wechatLogin(ctx: RequestContext, request: WechatLoginRequest): Promise<LoginResponse> {
    const identity = await this.identify(request.code);
    const [member] = await this.connection.query<{
      id: string;
      nickname: string;
      tier: MemberTier;
      inserted: boolean;
    }>(
      ctx,
      `INSERT INTO members (openid, unionid, session_key, nickname, invite_code)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (openid) DO UPDATE
         SET session_key = COALESCE(EXCLUDED.session_key, members.session_key),
             unionid = COALESCE(EXCLUDED.unionid, members.unionid),
             last_login_at = now()
       RETURNING id, nickname, tier, (xmax = 0) AS inserted`,
      [identity.openid, identity.unionid, identity.sessionKey, identity.nickname, newInviteCode()],
    );
    if (member.inserted && request.inviteCode)
      await this.bindInviter(ctx, member.id, request.inviteCode);
    const tokens = await this.issueTokens(ctx, member.id);
    return { ...tokens, member: { id: member.id, nickname: member.nickname, tier: member.tier } };
  }

  async refresh(ctx: RequestContext, refreshToken: string): Promise<TokenPair> {
    const { tokenId } = this.tokens.verifyRefresh(refreshToken);
    // Each refresh token works once: the guarded update makes a replayed or raced token fail.
    const used = await this.connection.query<{ member_id: string }>(
      ctx,
      `UPDATE refresh_tokens SET used_at = now()
       WHERE id = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING member_id`,
      [tokenId],
    );
    if (used.length === 0) {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.RefreshTokenInvalid,
        'Log in again',
      );
    }
    return this.issueTokens(ctx, used[0].member_id);
  }

  /**
   * Ends the session of a refresh token: it is refused from now on. The access token issued with
   * it stays valid until it expires (JWT_ACCESS_TTL_SECONDS); other sessions of the member go on.
   */
  async logout(ctx: RequestContext, refreshToken: string): Promise<void> {
    const { tokenId } = this.tokens.verifyRefresh(refreshToken);
    await this.connection.query(
      ctx,
      `UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL`,
      [tokenId],
    );
  }

  async rolesOf(ctx: RequestContext, memberId: string): Promise<Role[]> {
    const leads = await this.connection.query(
      ctx,
      `SELECT 1 FROM pickup_points WHERE leader_member_id = $1`,
      [memberId],
    );
    return leads.length > 0 ? ['shopper', 'leader'] : ['shopper'];
  }

  private async issueTokens(ctx: RequestContext, memberId: string): Promise<TokenPair> {
    const actor: Actor = { kind: 'member', id: memberId, roles: await this.rolesOf(ctx, memberId) };
    const [row] = await this.connection.query<{ id: string }>(
      ctx,
      `INSERT INTO refresh_tokens (member_id, expires_at)
       VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [memberId, this.config.JWT_REFRESH_TTL_SECONDS],
    );
    return {
      accessToken: this.tokens.signAccess(actor),
      refreshToken: this.tokens.signRefresh(memberId, row.id),
    };
  }

  private async identify(code: string): Promise<LoginIdentity> {
    if (code.startsWith(DEV_CODE_PREFIX)) {
      if (!this.config.AUTH_DEV_LOGIN) {
        throw new AppException(
          HttpStatus.FORBIDDEN,
          ErrorCode.DevLoginDisabled,
          'Dev log-in is not enabled',
        );
      }
      const name = code.slice(DEV_CODE_PREFIX.length);
      if (!DEV_NAME_PATTERN.test(name)) {
        throw new AppException(
          HttpStatus.BAD_REQUEST,
          ErrorCode.ValidationFailed,
          'Dev log-in names are 1-32 letters or digits',
        );
      }
      return { openid: devOpenid(name), unionid: null, sessionKey: null, nickname: name };
    }
    const identity = await this.wechat.exchange(code);
    return { ...identity, nickname: `邻居${identity.openid.slice(-4)}` };
  }

  private async bindInviter(
    ctx: RequestContext,
    memberId: string,
    inviteCode: string,
  ): Promise<void> {
    const bound = await this.connection.query(
      ctx,
      `UPDATE members SET invited_by_member_id = inviter.id
       FROM members inviter
       WHERE members.id = $1 AND members.invited_by_member_id IS NULL
         AND inviter.invite_code = $2 AND inviter.id <> $1
       RETURNING members.id`,
      [memberId, inviteCode],
    );
    if (bound.length === 0)
      this.logger.log({ memberId, inviteCode }, 'invite code did not match an inviter');
  }
}
