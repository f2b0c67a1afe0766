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

export function encodeCursor(cursor: KeysetCursor | RankCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The position a cursor holds, if it reads as one `valid` takes; 400 for any other text. */
function decodeAs<C>(cursor: string | undefined, valid: (value: unknown) => C | null): C | null {
  if (!cursor) return null;
  let position: C | null = null;
  try {
    position = valid(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    // not JSON: not a cursor
  }
  if (position) return position;
  throw new AppException(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, 'cursor is not valid');
}

export function decodeCursor(cursor: string | undefined): KeysetCursor | null {
  return decodeAs(cursor, (value) => {
    const { at, id } = (value ?? {}) as Record<string, unknown>;
    return isTimestampText(at) && typeof id === 'string' && UUID.test(id) ? { at, id } : null;
  });
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
  return decodeAs(cursor, (value) => {
    const { rank, id } = (value ?? {}) as Record<string, unknown>;
    // A rank is compared as PostgreSQL's int.
    return Number.isInteger(rank) &&
      Math.abs(rank as number) <= 2_147_483_647 &&
      (id === undefined || (typeof id === 'string' && UUID.test(id)))
      ? { rank: rank as number, id: id as string | undefined }
      : null;
  });
}

/**
 * One page of a list read with `LIMIT limit + 1`: the rows to show, and the cursor of the next
 * page (the last row's position, by time and id or by rank) when there is one.
 */
export function pageOf<R>(
  rows: R[],
  limit: number,
  positionOf: (row: R) => KeysetCursor | RankCursor,
): { shown: R[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    shown,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}

/**
 * One page of a list read in its keyset order, either way, with `LIMIT limit + 1` and the
 * timestamp's text as `cursor_at`.
 */
export function keysetPage<R extends { id: string; cursor_at: string }>(
  rows: R[],
  limit: number,
): { shown: R[]; nextCursor: string | null } {
  return pageOf(rows, limit, (row) => ({ at: row.cursor_at, id: row.id }));
}
