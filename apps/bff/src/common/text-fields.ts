import { applyDecorators, ArgumentMetadata, HttpStatus, PipeTransform } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@linli/shared';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, ValidationArguments } from 'class-validator';
import { AppException } from './errors/app-exception';

/** Leading and trailing spaces of a typed-in text are dropped before it is checked and stored. */
export const Trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** A typed-in text must hold more than spaces (full-width ones included). */
export const SaysSomething = () =>
  Matches(/\S/, {
    message: ({ property }: ValidationArguments) =>
      `${property} must say something, not only spaces`,
  });

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 32)
    return false;
  return Object.entries(value).some(
    ([key, inner]) => key.includes('\u0000') || holdsNul(inner, depth + 1),
  );
}

/**
 * PostgreSQL text cannot hold U+0000: a body, query or path carrying one is refused as bad
 * input (400) before it reaches a service, where it would fail as a 500.
 */
export class RefuseNulCharacters implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'custom' && holdsNul(value)) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'Text cannot hold the NUL character',
        { in: metadata.data ?? metadata.type },
      );
    }
    return value;
  }
}

/** An ILIKE pattern for text containing `part`, whose `%`, `_` and `\` are taken as themselves. */
export const containing = (part: string) => `%${part.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** An optional search text of a list's query: trimmed, more than spaces, at most 64 characters. */
export const SearchText = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, minLength: 1, maxLength: 64 }),
    IsOptional(),
    Trimmed(),
    IsString(),
    SaysSomething(),
    MaxLength(64),
  );
