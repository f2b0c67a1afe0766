import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@linli/shared';
import type { Request } from 'express';
import { AppException } from '../errors/app-exception';
import { contextOf, Role } from '../request-context';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';
import { TokenService } from './token.service';

/** Global guard: every route needs a valid access token unless marked @Public, and the roles it names. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(execution: ExecutionContext): boolean {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = execution.switchToHttp().getRequest<Request>();
    const [scheme, token] = (request.header('authorization') ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw new AppException(HttpStatus.UNAUTHORIZED, ErrorCode.AuthRequired, 'Log in first');
    }
    const actor = this.tokens.verifyAccess(token);
    contextOf(request).actor = actor;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => actor.roles.includes(role))) {
      throw AppException.forbidden('Your role may not use this route');
    }
    return true;
  }
}
