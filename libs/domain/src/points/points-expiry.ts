import { businessDay, startOfBusinessDay } from '../business-time';

/**
 * The instant a lot that became available at `availableAt` expires: the last millisecond
 * (23:59:59.999 Shanghai) of the month `months` months after the month it became available.
 * A lot is usable while `now <= expiresAt`.
 */
export function lotExpiresAt(availableAt: Date, months: number): Date {
  if (!Number.isInteger(months) || months < 1)
    throw new RangeError('months must be a positive integer');
  const [year, month] = businessDay(availableAt).split('-').map(Number);
  // The first day of the month after the expiry month, as a month index from year 0.
  const next = year * 12 + (month - 1) + months + 1;
  const nextYear = Math.floor(next / 12);
  const nextMonth = (next % 12) + 1;
  const firstOfNext = `${String(nextYear).padStart(4, '0')}-${String(nextMonth).padStart(2, '0')}-01`;
  return new Date(startOfBusinessDay(firstOfNext).getTime() - 1);
}

/** True when a lot with this expiry can no longer be spent at `now`. */
export function isExpired(expiresAt: Date, now: Date): boolean {
  return now.getTime() > expiresAt.getTime();
}
