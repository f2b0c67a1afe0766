import { addBusinessDays } from '../business-time';

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Why a birthday (YYYY-MM-DD) cannot be a member's on `today`, or none. */
export function birthdayProblems(birthday: string, today: string): string[] {
  const match = DAY_PATTERN.exec(birthday);
  const date = match ? new Date(`${birthday}T00:00:00.000Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birthday)
    return ['birthday must be a day, YYYY-MM-DD'];
  if (birthday > today) return ['birthday cannot be in the future'];
  if (birthday < '1900-01-01') return ['birthday cannot be before 1900'];
  return [];
}

/** The day a birthday is kept in `year`: 29 February on 28 February outside leap years. */
export function birthdayIn(year: number, birthday: string): string {
  const [, month, day] = birthday.split('-');
  const kept = month === '02' && day === '29' && !isLeapYear(year) ? '28' : day;
  return `${String(year).padStart(4, '0')}-${month}-${kept}`;
}

/** The first day a birthday set on `setOn` may be changed: a year later. */
export function birthdayChangeableFrom(setOn: string): string {
  return birthdayIn(Number(setOn.slice(0, 4)) + 1, setOn);
}

export interface BirthdayOccurrence {
  /** The year whose gift it is. */
  year: number;
  month: number;
  day: number;
}

/**
 * The birthdays (month and day, with the year they fall in) kept on `today` or on one of the
 * `days - 1` days before it: those whose gift is due, if not given yet. A gift missed on the day
 * (the job did not run, the birthday was set just after) is still given within `days` days.
 */
export function birthdaysKeptWithin(today: string, days: number): BirthdayOccurrence[] {
  if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be at least 1');
  const occurrences: BirthdayOccurrence[] = [];
  for (let back = 0; back < days; back++) {
    const [year, month, day] = addBusinessDays(today, -back).split('-').map(Number);
    occurrences.push({ year, month, day });
    // 29 February birthdays are kept on 28 February outside leap years.
    if (month === 2 && day === 28 && !isLeapYear(year)) occurrences.push({ year, month, day: 29 });
  }
  return occurrences;
}
