import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../../common/auth/auth.decorators';
import { Ctx, RequestContext } from '../../common/request-context';
import { AdminAuthService } from './admin-auth.service';
import { AdminLoginRequest, AdminLoginResponse } from './dto/admin-login.dto';

@ApiTags('admin')
@Controller('admin/auth')
@Public()
@UseGuards(ThrottlerGuard)
export class AdminAuthController {
  constructor(private readonly adminAuth: AdminAuthService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: AdminLoginResponse })
  login(
    @Ctx() ctx: RequestContext,
    @Ip() address: string,
    @Body() body: AdminLoginRequest,
  ): Promise<AdminLoginResponse> {
    return this.adminAuth.login(ctx, body.username, body.password, address);
  }
}
