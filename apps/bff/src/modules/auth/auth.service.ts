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

/**
 * A used refresh token that comes back within this many seconds of its use is taken for a race of
 * the app's own refreshes (two pages asking at once, a retry after a lost answer), not a theft.
 */
const REFRESH_RACE_SECONDS = 30;

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

  /**
   * Asks WeChat who the code is before the transaction begins: a slow code2Session must not hold
   * a database connection, or a few logins while WeChat is slow would take every one of them.
   */
  async wechatLogin(ctx: RequestContext, request: WechatLoginRequest): Promise<LoginResponse> {
    const identity = await this.identify(request.code);
    return this.connection.withTransaction(ctx, () => this.logIn(ctx, identity, request));
  }

  private async logIn(
    ctx: RequestContext,
    identity: LoginIdentity,
    request: WechatLoginRequest,
  ): Promise<LoginResponse> {
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

  /**
   * Each refresh token works once: it is exchanged for the next token of its session. A used token
   * that comes back later than a race of the app's own refreshes could bring it is taken for a
   * stolen copy, and ends its session: whoever holds the session's current token logs in again.
   * So is one whose record is gone: only used tokens are purged before they expire (a day after
   * their use), and the token names its session.
   */
  async refresh(ctx: RequestContext, refreshToken: string): Promise<TokenPair> {
    const { tokenId, sessionId } = this.tokens.verifyRefresh(refreshToken);
    // The guarded update makes a replayed or raced token fail; the same statement hands its
    // session on, so that a token is never used up without its successor being issued.
    const [next] = await this.underSessionLock(ctx, sessionId ?? tokenId, () =>
      this.connection.query<{
        id: string;
        member_id: string;
        session_id: string;
      }>(
        ctx,
        `WITH used AS (
         UPDATE refresh_tokens SET used_at = now()
         WHERE id = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING member_id, session_id)
       INSERT INTO refresh_tokens (member_id, session_id, expires_at)
       SELECT member_id, session_id, now() + make_interval(secs => $2) FROM used
       RETURNING id, member_id, session_id`,
        [tokenId, this.config.JWT_REFRESH_TTL_SECONDS],
      ),
    );
    if (!next) {
      // Committed before the 401 is answered, so that the session stays ended.
      const ended = await this.underSessionLock(ctx, sessionId ?? tokenId, () =>
        this.connection.query<{ member_id: string }>(
          ctx,
          `UPDATE refresh_tokens SET used_at = now()
         WHERE used_at IS NULL AND session_id = COALESCE(
           (SELECT session_id FROM refresh_tokens
            WHERE id = $1 AND used_at < now() - make_interval(secs => $2)),
           CASE WHEN NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE id = $1) THEN $3::uuid END)
         RETURNING member_id`,
          [tokenId, REFRESH_RACE_SECONDS, sessionId],
        ),
      );
      if (ended.length > 0) {
        this.logger.warn(
          { memberId: ended[0].member_id },
          'a used refresh token came back: its session is ended',
        );
      }
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.RefreshTokenInvalid,
        'Log in again',
      );
    }
    return this.signTokens(ctx, next.member_id, next.id, next.session_id);
  }

  /**
   * Ends the session of a refresh token, whichever of its tokens the app holds: they are refused
   * from now on. The access token issued with it stays valid until it expires
   * (JWT_ACCESS_TTL_SECONDS); other sessions of the member go on.
   */
  async logout(ctx: RequestContext, refreshToken: string): Promise<void> {
    const { tokenId, sessionId } = this.tokens.verifyRefresh(refreshToken);
    await this.underSessionLock(ctx, sessionId ?? tokenId, () =>
      this.connection.query(
        ctx,
        `UPDATE refresh_tokens SET used_at = now()
         WHERE used_at IS NULL
           AND session_id = COALESCE((SELECT session_id FROM refresh_tokens WHERE id = $1), $2::uuid)`,
        [tokenId, sessionId],
      ),
    );
  }

  /**
   * Runs work on a session's tokens one at a time with any other: a session being ended waits for
   * a refresh under way, then sees the token it issued (a statement sees only what committed
   * before it began), so that no token of an ended session goes on working. A token issued before
   * sessions were recorded has its own id for its session's.
   */
  private underSessionLock<T>(
    ctx: RequestContext,
    sessionId: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.connection.withTransaction(ctx, async () => {
      await this.connection.lockForTransaction(ctx, `linli:session:${sessionId}`);
      return work();
    });
  }

  async rolesOf(ctx: RequestContext, memberId: string): Promise<Role[]> {
    const leads = await this.connection.query(
      ctx,
      `SELECT 1 FROM pickup_points WHERE leader_member_id = $1`,
      [memberId],
    );
    return leads.length > 0 ? ['shopper', 'leader'] : ['shopper'];
  }

  /** The tokens of a new session. */
  private async issueTokens(ctx: RequestContext, memberId: string): Promise<TokenPair> {
    const [row] = await this.connection.query<{ id: string; session_id: string }>(
      ctx,
      `INSERT INTO refresh_tokens (member_id, expires_at)
       VALUES ($1, now() + make_interval(secs => $2)) RETURNING id, session_id`,
      [memberId, this.config.JWT_REFRESH_TTL_SECONDS],
    );
    return this.signTokens(ctx, memberId, row.id, row.session_id);
  }

  private async signTokens(
    ctx: RequestContext,
    memberId: string,
    refreshTokenId: string,
    sessionId: string,
  ): Promise<TokenPair> {
    const actor: Actor = { kind: 'member', id: memberId, roles: await this.rolesOf(ctx, memberId) };
    return {
      accessToken: this.tokens.signAccess(actor),
      refreshToken: this.tokens.signRefresh(memberId, refreshTokenId, sessionId),
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
