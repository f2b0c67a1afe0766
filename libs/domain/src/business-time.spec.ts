import {
  addMonths,
  businessDay,
  endOfBusinessDaysAhead,
  startOfBusinessDay,
} from './business-time';

describe('business time (Asia/Shanghai)', () => {
  it('puts 15:59:59 UTC on the same Shanghai day and 16:00 UTC on the next', () => {
    expect(businessDay(new Date('2026-03-31T15:59:59.999Z'))).toBe('2026-03-31');
    expect(businessDay(new Date('2026-03-31T16:00:00.000Z'))).toBe('2026-04-01');
  });

  it('starts a business day at 16:00 UTC of the day before', () => {
    expect(startOfBusinessDay('2026-01-01').toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('round-trips every day of a leap year', () => {
    let day = '2028-01-01';
    for (let i = 0; i < 366; i++) {
      const start = startOfBusinessDay(day);
      expect(businessDay(start)).toBe(day);
      expect(businessDay(new Date(start.getTime() - 1))).not.toBe(day);
      day = businessDay(new Date(start.getTime() + 86_400_000));
    }
    expect(day).toBe('2029-01-01');
  });

  it('ends "within N days" with the whole Nth Shanghai day after today, whatever the hour', () => {
    const end = new Date('2026-05-02T00:00:00+08:00'); // 1 May is 30 days after 1 April
    for (const now of [
      '2026-04-01T00:00:00+08:00',
      '2026-04-01T10:00:00+08:00',
      '2026-04-01T23:59:59.999+08:00',
    ])
      expect(endOfBusinessDaysAhead(new Date(now), 30)).toEqual(end);
    expect(endOfBusinessDaysAhead(new Date('2026-04-01T10:00:00+08:00'), 0)).toEqual(
      new Date('2026-04-02T00:00:00+08:00'),
    );
    expect(() => endOfBusinessDaysAhead(new Date(), -1)).toThrow(RangeError);
    expect(() => endOfBusinessDaysAhead(new Date(), 1.5)).toThrow(RangeError);
  });

  it('refuses days that do not exist', () => {
    expect(() => startOfBusinessDay('2026-02-29')).toThrow(RangeError);
    expect(() => startOfBusinessDay('2026-13-01')).toThrow(RangeError);
    expect(() => startOfBusinessDay('26-1-1')).toThrow(RangeError);
  });

  it('counts months across years, both ways', () => {
    expect(addMonths('2026-11', 1)).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-03', -14)).toBe('2025-01');
    expect(addMonths('2026-07', 0)).toBe('2026-07');
    expect(addMonths('2026-07', 29)).toBe('2028-12');
  });
});
