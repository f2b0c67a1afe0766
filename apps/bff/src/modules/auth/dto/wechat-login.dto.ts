import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { INVITE_CODE_PATTERN, MEMBER_TIERS, MemberTier } from '@linli/shared';

export class WechatLoginRequest {
  @ApiProperty({ description: 'The code from wx.login; `dev:<name>` with the dev provider on' })
  @IsString()
  @Length(1, 128)
  code!: string;

  @ApiPropertyOptional({
    description: "An inviter's invite code (only a brand-new member is bound)",
  })
  @IsOptional()
  @IsString()
  @Matches(INVITE_CODE_PATTERN)
  inviteCode?: string;
}

export class RefreshRequest {
  @ApiProperty()
  @IsString()
  @Length(10, 4096)
  refreshToken!: string;
}

export class MemberSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) tier!: MemberTier;
}

export class TokenPair {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
}

export class LoginResponse extends TokenPair {
  @ApiProperty({ type: MemberSummary }) member!: MemberSummary;
}
