import {
  birthdayChangeableFrom,
  birthdayIn,
  birthdayProblems,
  birthdaysKeptWithin,
} from './birthday';

describe('birthdays', () => {
  it('accepts a real past day, and refuses what is not one, the future and before 1900', () => {
    expect(birthdayProblems('1990-05-17', '2026-11-26')).toEqual([]);
    expect(birthdayProblems('2026-11-26', '2026-11-26')).toEqual([]);
    expect(birthdayProblems('2000-02-29', '2026-11-26')).toEqual([]);
    for (const bad of ['1990-02-30', '1990-13-01', '1990-5-17', '17/05/1990', '', '2001-02-29'])
      expect(birthdayProblems(bad, '2026-11-26')).toEqual(['birthday must be a day, YYYY-MM-DD']);
    expect(birthdayProblems('2026-11-27', '2026-11-26')).toEqual([
      'birthday cannot be in the future',
    ]);
    expect(birthdayProblems('1899-12-31', '2026-11-26')).toEqual([
      'birthday cannot be before 1900',
    ]);
  });

  it('keeps 29 February on 28 February outside leap years', () => {
    expect(birthdayIn(2027, '2000-02-29')).toBe('2027-02-28');
    expect(birthdayIn(2028, '2000-02-29')).toBe('2028-02-29');
    expect(birthdayIn(2100, '2000-02-29')).toBe('2100-02-28');
    expect(birthdayIn(2027, '1990-05-17')).toBe('2027-05-17');
  });

  it('lets a birthday change a year after it was set', () => {
    expect(birthdayChangeableFrom('2026-11-26')).toBe('2027-11-26');
    expect(birthdayChangeableFrom('2028-02-29')).toBe('2029-02-28');
  });

  it('finds the birthdays kept today and the days before, each with the year of its gift', () => {
    expect(birthdaysKeptWithin('2026-11-26', 1)).toEqual([{ year: 2026, month: 11, day: 26 }]);
    expect(birthdaysKeptWithin('2027-01-02', 3)).toEqual([
      { year: 2027, month: 1, day: 2 },
      { year: 2027, month: 1, day: 1 },
      { year: 2026, month: 12, day: 31 },
    ]);
  });

  it('gives 29 February birthdays their day on 28 February outside leap years only', () => {
    expect(birthdaysKeptWithin('2027-02-28', 1)).toEqual([
      { year: 2027, month: 2, day: 28 },
      { year: 2027, month: 2, day: 29 },
    ]);
    expect(birthdaysKeptWithin('2028-02-28', 1)).toEqual([{ year: 2028, month: 2, day: 28 }]);
    expect(birthdaysKeptWithin('2028-02-29', 1)).toEqual([{ year: 2028, month: 2, day: 29 }]);
    expect(() => birthdaysKeptWithin('2028-02-29', 0)).toThrow(RangeError);
  });
});
