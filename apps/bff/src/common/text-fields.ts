import { Transform } from 'class-transformer';
import { Matches, ValidationArguments } from 'class-validator';

/** Leading and trailing spaces of a typed-in text are dropped before it is checked and stored. */
export const Trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** A typed-in text must hold more than spaces (full-width ones included). */
export const SaysSomething = () =>
  Matches(/\S/, {
    message: ({ property }: ValidationArguments) =>
      `${property} must say something, not only spaces`,
  });
