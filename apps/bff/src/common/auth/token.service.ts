import { HttpStatus, Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { ErrorCode } from '@linli/shared';
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
  typ: 'refresh';
}

/** Signs and checks the BFF's own JWTs: short-lived access tokens and rotating refresh tokens. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  signAccess(actor: Actor): string {
    const claims: AccessClaims = {
      sub: actor.id,
      kind: actor.kind,
      roles: actor.roles,
      typ: 'access',
    };
    return this.jwt.sign(claims, {
      secret: this.config.JWT_ACCESS_SECRET,
      expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
    });
  }

  signRefresh(memberId: string, tokenId: string): string {
    const claims: RefreshClaims = { sub: memberId, jti: tokenId, typ: 'refresh' };
    return this.jwt.sign(claims, {
      secret: this.config.JWT_REFRESH_SECRET,
      expiresIn: this.config.JWT_REFRESH_TTL_SECONDS,
    });
  }

  verifyAccess(token: string): Actor {
    const claims = this.verify<AccessClaims>(
      token,
      this.config.JWT_ACCESS_SECRET,
      ErrorCode.AuthTokenInvalid,
    );
    if (claims.typ !== 'access') {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.AuthTokenInvalid,
        'Not an access token',
      );
    }
    return { id: claims.sub, kind: claims.kind, roles: claims.roles };
  }

  verifyRefresh(token: string): { memberId: string; tokenId: string } {
    const claims = this.verify<RefreshClaims>(
      token,
      this.config.JWT_REFRESH_SECRET,
      ErrorCode.RefreshTokenInvalid,
    );
    if (claims.typ !== 'refresh') {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.RefreshTokenInvalid,
        'Not a refresh token',
      );
    }
    return { memberId: claims.sub, tokenId: claims.jti };
  }

  private verify<T extends object>(token: string, secret: string, invalidCode: ErrorCode): T {
    try {
      return this.jwt.verify<T>(token, { secret, algorithms: ['HS256'] });
    } catch (error) {
      if (error instanceof TokenExpiredError && invalidCode === ErrorCode.AuthTokenInvalid) {
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
