import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { WechatSessionProvider } from './wechat-session.provider';

@Module({
  controllers: [AuthController],
  providers: [AuthService, WechatSessionProvider],
  exports: [AuthService],
})
export class AuthModule {}
