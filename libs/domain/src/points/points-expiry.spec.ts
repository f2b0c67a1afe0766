import { isExpired, lotExpiresAt } from './points-expiry';

const at = (iso: string) => new Date(iso);

describe('lot expiry: end of the month 12 months after availability, Shanghai time', () => {
  it('runs to the last millisecond of that month', () => {
    // 2026-03-15 10:00 Shanghai
    expect(lotExpiresAt(at('2026-03-15T02:00:00Z'), 12).toISOString()).toBe(
      '2027-03-31T15:59:59.999Z',
    );
  });

  it('uses the Shanghai day, not the UTC day, at the month boundary', () => {
    // 2026-03-31 23:30 UTC is already 1 April in Shanghai.
    expect(lotExpiresAt(at('2026-03-31T23:30:00Z'), 12).toISOString()).toBe(
      '2027-04-30T15:59:59.999Z',
    );
    // 2026-03-31 15:59 UTC is still 31 March in Shanghai.
    expect(lotExpiresAt(at('2026-03-31T15:59:00Z'), 12).toISOString()).toBe(
      '2027-03-31T15:59:59.999Z',
    );
  });

  it('ends February on the 29th in leap years and the 28th otherwise', () => {
    expect(lotExpiresAt(at('2027-02-10T04:00:00Z'), 12).toISOString()).toBe(
      '2028-02-29T15:59:59.999Z',
    );
    expect(lotExpiresAt(at('2028-02-29T04:00:00Z'), 12).toISOString()).toBe(
      '2029-02-28T15:59:59.999Z',
    );
  });

  it('crosses year ends and honours other periods', () => {
    expect(lotExpiresAt(at('2026-12-31T15:00:00Z'), 12).toISOString()).toBe(
      '2027-12-31T15:59:59.999Z',
    );
    expect(lotExpiresAt(at('2026-12-31T16:00:00Z'), 1).toISOString()).toBe(
      '2027-02-28T15:59:59.999Z',
    );
    expect(lotExpiresAt(at('2026-05-01T00:00:00Z'), 24).toISOString()).toBe(
      '2028-05-31T15:59:59.999Z',
    );
  });

  it('is usable through its last millisecond and expired one millisecond later', () => {
    const expiresAt = lotExpiresAt(at('2026-01-05T00:00:00Z'), 12);
    expect(isExpired(expiresAt, expiresAt)).toBe(false);
    expect(isExpired(expiresAt, new Date(expiresAt.getTime() + 1))).toBe(true);
  });

  it('refuses a period that is not a whole positive number of months', () => {
    expect(() => lotExpiresAt(new Date(), 0)).toThrow(RangeError);
    expect(() => lotExpiresAt(new Date(), 1.5)).toThrow(RangeError);
  });
});
