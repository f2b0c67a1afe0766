import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { NoTransaction } from '../../common/transaction/transaction.interceptor';
import { AuthService } from './auth.service';
import {
  LoginResponse,
  RefreshRequest,
  TokenPair,
  WechatLoginRequest,
} from './dto/wechat-login.dto';

@ApiTags('auth')
@Controller('auth')
@Public()
@UseGuards(ThrottlerGuard)
@ApiTooManyRequestsResponse({ description: 'RATE_LIMITED' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Its own transaction, begun once WeChat has answered. */
  @Post('wechat-login')
  @NoTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  wechatLogin(
    @Ctx() ctx: RequestContext,
    @Body() body: WechatLoginRequest,
  ): Promise<LoginResponse> {
    return this.auth.wechatLogin(ctx, body);
  }

  /**
   * In transactions of its own, not the request's: ending the session of a token that came back
   * must stick although the answer is a 401.
   */
  @Post('refresh')
  @NoTransaction()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPair })
  @ApiUnauthorizedResponse({
    description:
      'REFRESH_TOKEN_INVALID: not ours, expired, logged out or used already (a used token that comes back later ends its session)',
  })
  refresh(@Ctx() ctx: RequestContext, @Body() body: RefreshRequest): Promise<TokenPair> {
    return this.auth.refresh(ctx, body.refreshToken);
  }

  /** Logging out on a device ends its session at the BFF too; retrying it is harmless. */
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      "The session's refresh tokens, the given one and any later, are refused from now on",
  })
  @ApiUnauthorizedResponse({ description: 'REFRESH_TOKEN_INVALID: not a refresh token of ours' })
  async logout(@Ctx() ctx: RequestContext, @Body() body: RefreshRequest): Promise<void> {
    await this.auth.logout(ctx, body.refreshToken);
  }
}
