import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from './errors/app-exception';

/**
 * The fields an edit request sets, in the order of `fields`; 400 when it sets none. Null says
 * nothing, as a field left out does, except for a `clearable` field, where it lifts what the
 * field holds.
 */
export function fieldsToChange<R, F extends keyof R & string>(
  request: R,
  fields: readonly F[],
  clearable: readonly F[] = [],
): F[] {
  const given = fields.filter(
    (field) =>
      request[field] !== undefined && (request[field] !== null || clearable.includes(field)),
  );
  if (given.length === 0) {
    throw new AppException(
      HttpStatus.BAD_REQUEST,
      ErrorCode.ValidationFailed,
      `Say what to change: ${fields.join(', ')}`,
    );
  }
  return given;
}

/** An audit entry's details for an edit: the fields it changed, as they were and as they are. */
export function fieldChanges<F extends string>(
  fields: readonly F[],
  before: Partial<Record<F, unknown>>,
  after: Partial<Record<F, unknown>>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  return {
    before: Object.fromEntries(fields.map((field) => [field, before[field]])),
    after: Object.fromEntries(fields.map((field) => [field, after[field]])),
  };
}
