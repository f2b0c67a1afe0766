import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import jwt from 'jsonwebtoken';
import { createSecretKey, KeyObject } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../errors/app-exception';
import type { Actor, Role } from '../request-context';

interface AccessClaims {
  sub: string;
  kind: Actor['kind'];
  roles: Role[];
  typ: 'access';
}

interface RefreshClaims {
  sub: string;
  jti: string;
  /** The session the token belongs to (absent from tokens signed before it was carried). */
  sid?: string;
  typ: 'refresh';
}

/** Signs and checks the BFF's own JWTs (HS256): short-lived access tokens and rotating refresh tokens. */
@Injectable()
export class TokenService {
  // Key objects, not strings: given a string, jsonwebtoken first tries (and fails) to parse
  // it as a public key on every call, which costs more than the signature itself.
  private readonly accessKey: KeyObject;
  private readonly refreshKey: KeyObject;

  constructor(private readonly config: AppConfig) {
    this.accessKey = createSecretKey(Buffer.from(config.JWT_ACCESS_SECRET));
    this.refreshKey = createSecretKey(Buffer.from(config.JWT_REFRESH_SECRET));
  }

  signAccess(actor: Actor): string {
    const claims: AccessClaims = {
      sub: actor.id,
      kind: actor.kind,
      roles: actor.roles,
      typ: 'access',
    };
    return jwt.sign(claims, this.accessKey, {
      algorithm: 'HS256',
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
    });
  }

  signRefresh(memberId: string, tokenId: string, sessionId: string): string {
    const claims: RefreshClaims = { sub: memberId, jti: tokenId, sid: sessionId, typ: 'refresh' };
    return jwt.sign(claims, this.refreshKey, {
      algorithm: 'HS256',
      expiresIn: this.config.JWT_REFRESH_TTL_SECONDS,
    });
  }

  verifyAccess(token: string): Actor {
    const claims = this.verify<AccessClaims>(token, this.accessKey, ErrorCode.AuthTokenInvalid);
    if (claims.typ !== 'access') {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.AuthTokenInvalid,
        'Not an access token',
      );
    }
    return { id: claims.sub, kind: claims.kind, roles: claims.roles };
  }

  verifyRefresh(token: string): { memberId: string; tokenId: string; sessionId: string | null } {
    const claims = this.verify<RefreshClaims>(
      token,
      this.refreshKey,
      ErrorCode.RefreshTokenInvalid,
    );
    if (claims.typ !== 'refresh') {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.RefreshTokenInvalid,
        'Not a refresh token',
      );
    }
    return { memberId: claims.sub, tokenId: claims.jti, sessionId: claims.sid ?? null };
  }

  private verify<T extends object>(token: string, key: KeyObject, invalidCode: ErrorCode): T {
    try {
      return jwt.verify(token, key, { algorithms: ['HS256'] }) as T;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError && invalidCode === ErrorCode.AuthTokenInvalid) {
        throw new AppException(
          HttpStatus.UNAUTHORIZED,
          ErrorCode.AuthTokenExpired,
          'The access token has expired',
        );
      }
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        invalidCode,
        'The token is invalid or has expired',
      );
    }
  }
}
