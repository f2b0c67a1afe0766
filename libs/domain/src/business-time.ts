/** Linli's business days, month ends and expiry instants are those of Shanghai. */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

// Shanghai has kept UTC+8 without daylight saving since 1991: every business day is 24 hours.
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86_400_000;

/** The business day (YYYY-MM-DD) an instant falls on. */
export function businessDay(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a business day starts (00:00:00 Shanghai). */
export function startOfBusinessDay(day: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`Not a day: ${day}`);
  const start = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day) {
    throw new RangeError(`Not a day: ${day}`);
  }
  return new Date(start.getTime() - SHANGHAI_OFFSET_MS);
}

/**
 * The instant the business day `days` days after the one `instant` falls on ends (the next
 * one starts): what comes before it comes "within `days` days" of `instant`, counted in whole
 * Shanghai days whatever the hour, so the last day counts all day long.
 */
export function endOfBusinessDaysAhead(instant: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a whole number');
  return new Date(startOfBusinessDay(businessDay(instant)).getTime() + (days + 1) * DAY_MS);
}

/** The business day `days` days after `day` (before it when negative), both YYYY-MM-DD. */
export function addBusinessDays(day: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError('days must be a whole number');
  return businessDay(new Date(startOfBusinessDay(day).getTime() + days * DAY_MS));
}

/** The month (YYYY-MM) `count` months after `month` (before it when negative). */
export function addMonths(month: string, count: number): string {
  const [year, number] = month.split('-').map(Number);
  const index = year * 12 + (number - 1) + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Whether some business day still to come, from the one `starts` falls on (or today, at `now`)
 * to the last before `ends`, is the month's `memberDay` (会员日): what a campaign open only on
 * the member day needs.
 */
export function takesMemberDay(
  starts: Date,
  ends: Date,
  memberDay: number | null,
  now: Date,
): boolean {
  if (memberDay === null) return false;
  const last = businessDay(new Date(ends.getTime() - 1));
  const first = businessDay(starts > now ? starts : now);
  // A day of the month is never more than 31 days away.
  for (let day = first, n = 0; day <= last && n <= 31; day = addBusinessDays(day, 1), n += 1)
    if (Number(day.slice(8, 10)) === memberDay) return true;
  return false;
}
