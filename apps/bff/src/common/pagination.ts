import { HttpStatus } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@linli/shared';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { AppException } from './errors/app-exception';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

/**
 * Keyset position in a list ordered by a timestamp and then id, both the same way: newest first
 * (`(created_at, id) < (at, id)`, `ORDER BY created_at DESC, id DESC`) or oldest first (`>`,
 * ascending), the id telling apart rows made at the same instant. `at` is PostgreSQL's own text
 * of the timestamp (`created_at::text`), which keeps the microseconds a JavaScript Date would
 * drop.
 */
export interface KeysetCursor {
  at: string;
  id: string;
}

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:[+-](\d{2})(?::?(\d{2}))?|Z)?$/;

/** PostgreSQL's text of a real instant: the shape, and a calendar day, time and offset that exist. */
function isTimestampText(at: unknown): at is string {
  const m = typeof at === 'string' ? TIMESTAMP_TEXT.exec(at) : null;
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    (m[8] === undefined || (Number(m[8]) <= 15 && Number(m[9] ?? 0) <= 59))
  );
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): KeysetCursor | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isTimestampText(value?.at) && UUID.test(value?.id)) {
      return { at: value.at, id: value.id };
    }
  } catch {
    // fall through
  }
  throw new AppException(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, 'cursor is not valid');
}

/**
 * Position in a list ordered by a whole number and then id (the cheapest reward first, the
 * nearest pickup point first): `(n, id) > (rank, id)` ascending, or `<` descending; or by a
 * whole number alone that tells rows apart (a version), without id.
 */
export interface RankCursor {
  rank: number;
  id?: string;
}

export function decodeRankCursor(cursor: string | undefined): RankCursor | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Number.isSafeInteger(value?.rank) &&
      (value.id === undefined || (typeof value.id === 'string' && UUID.test(value.id)))
    ) {
      return { rank: value.rank, id: value.id };
    }
  } catch {
    // fall through
  }
  throw new AppException(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, 'cursor is not valid');
}

/** One page of a list in rank order, read with `LIMIT limit + 1`: as keysetPage does. */
export function rankPage<R>(
  rows: R[],
  limit: number,
  positionOf: (row: R) => RankCursor,
): { shown: R[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    shown,
    nextCursor:
      rows.length > limit && last !== undefined
        ? Buffer.from(JSON.stringify(positionOf(last))).toString('base64url')
        : null,
  };
}

/**
 * One page of a list read in its keyset order, either way, with `LIMIT limit + 1` and the
 * timestamp's text as `cursor_at`: the rows to show, and the cursor of the next page when
 * there is one.
 */
export function keysetPage<R extends { id: string; cursor_at: string }>(
  rows: R[],
  limit: number,
): { shown: R[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    shown,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
  };
}
