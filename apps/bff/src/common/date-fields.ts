import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/**
 * A year of four digits that PostgreSQL can hold (it has no year 0) and that a day or month
 * after it can too: reports count to the start of the day after their last.
 */
const YEAR = '(?!0000|9999)\\d{4}';

/** A month written YYYY-MM. */
export const IsMonth = () =>
  Matches(new RegExp(`^${YEAR}-(0[1-9]|1[0-2])$`), { message: '$property must be YYYY-MM' });

/**
 * A calendar day written YYYY-MM-DD, and one that exists. ISO 8601 also allows 20271220, which
 * compares wrongly as text and which PostgreSQL reads as another day.
 */
export const IsDay = () =>
  applyDecorators(
    Matches(new RegExp(`^${YEAR}-\\d{2}-\\d{2}$`), {
      message: '$property must be a day, YYYY-MM-DD',
    }),
    IsISO8601({ strict: true }),
  );

/**
 * An instant written as ISO 8601 in its extended form with its offset (2027-12-20T12:00:00+08:00
 * or …Z), an offset PostgreSQL takes (up to ±15:59). The basic form (20271220T040000Z) passes
 * ISO 8601 but JavaScript cannot read it, and a time of day without an offset names a different
 * instant in every time zone.
 */
export const IsInstant = () =>
  applyDecorators(
    Matches(
      new RegExp(
        `^${YEAR}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-](0\\d|1[0-5]):[0-5]\\d)$`,
      ),
      {
        message:
          '$property must be a date and time with its offset, YYYY-MM-DDTHH:MM[:SS]±HH:MM or Z',
      },
    ),
    IsISO8601({ strict: true }),
  );
