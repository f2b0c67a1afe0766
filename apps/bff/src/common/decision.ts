import { HttpStatus } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@linli/shared';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AppException } from './errors/app-exception';
import { SaysSomething, Trimmed } from './text-fields';

/** An operator's approve or reject, with an optional note the other side reads. */
export class DecisionRequest {
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Without leading and trailing spaces; not only spaces',
  })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(200)
  @SaysSomething()
  note?: string;
}

/** A decided request (application, refund, withdrawal) asked to be decided the other way. */
export const alreadyDecided = (status: string) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.AlreadyDecided, 'This was already decided', {
    status,
  });
