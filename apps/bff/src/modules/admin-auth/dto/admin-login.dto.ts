import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AdminLoginRequest {
  @ApiProperty() @IsString() @Length(1, 64) username!: string;
  @ApiProperty() @IsString() @Length(1, 256) password!: string;
}

export class AdminLoginResponse {
  @ApiProperty() accessToken!: string;
}
