import { businessDay, startOfBusinessDay } from './business-time';

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

  it('refuses days that do not exist', () => {
    expect(() => startOfBusinessDay('2026-02-29')).toThrow(RangeError);
    expect(() => startOfBusinessDay('2026-13-01')).toThrow(RangeError);
    expect(() => startOfBusinessDay('26-1-1')).toThrow(RangeError);
  });
});
