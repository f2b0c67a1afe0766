import { calendarDay, calendarDayNumber, tryCalendarDayNumber } from './calendar-day';
import { PurchaseHistory, summariseCustomers } from './purchase-history';

describe('calendar days', () => {
  it('counts days from 1970-01-01 across month ends, leap days and centuries', () => {
    expect(calendarDayNumber('1970-01-01')).toBe(0);
    expect(calendarDayNumber('1969-12-31')).toBe(-1);
    expect(calendarDayNumber('2000-03-01') - calendarDayNumber('2000-02-28')).toBe(2);
    expect(calendarDayNumber('1900-03-01') - calendarDayNumber('1900-02-28')).toBe(1);
    expect(calendarDayNumber('1998-06-30') - calendarDayNumber('1997-01-01')).toBe(545);
    const roundTrips = [];
    for (let n = -719_000; n < 2_900_000; n += 997)
      roundTrips.push(calendarDayNumber(calendarDay(n)) - n);
    expect(new Set(roundTrips)).toEqual(new Set([0]));
    expect(calendarDay(calendarDayNumber('2024-02-29'))).toBe('2024-02-29');
  });

  it('refuses what is not a calendar day', () => {
    for (const day of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-1-01',
      '20240101',
      '',
    ])
      expect(tryCalendarDayNumber(day)).toBeUndefined();
    expect(() => calendarDayNumber('1997-02-30')).toThrow(RangeError);
  });
});

describe('customer summaries', () => {
  it('merges a customer’s purchases of one day into one transaction, the amounts summed', () => {
    const [summary] = summariseCustomers(
      [
        { customerId: 'c1', day: '2024-01-01', amount: 10 },
        { customerId: 'c1', day: '2024-01-01', amount: 5 },
        { customerId: 'c1', day: '2024-01-11', amount: 20 },
        { customerId: 'c1', day: '2024-01-11', amount: 4 },
        { customerId: 'c1', day: '2024-01-21', amount: 30 },
      ],
      { unit: 'day' },
    );
    // Repeat days: 2024-01-11 (24) and 2024-01-21 (30); the first day's 15 is not spend.
    expect(summary).toEqual({ customerId: 'c1', frequency: 2, recency: 20, age: 20, monetary: 27 });
  });

  it('measures age to the latest purchase day of anyone by default, or to `until`', () => {
    const purchases = [
      { customerId: 'early', day: '2024-01-01', amount: 8 },
      { customerId: 'late', day: '2024-03-01', amount: 9 },
    ];
    expect(summariseCustomers(purchases, { unit: 'day' }).map((s) => s.age)).toEqual([60, 0]);
    expect(
      summariseCustomers(purchases, { unit: 'day', until: '2024-03-31' }).map((s) => s.age),
    ).toEqual([90, 30]);
  });

  it('leaves out purchases after `until`, and customers who first bought after it', () => {
    const history = new PurchaseHistory({ until: '2024-01-31' });
    history.add('a', '2024-01-01', 10);
    history.add('a', '2024-01-15', 12);
    history.add('a', '2024-02-01', 99);
    history.add('b', '2024-02-10', 50);
    const summaries = [...history.summaries('day')];
    expect(summaries).toEqual([
      { customerId: 'a', frequency: 1, recency: 14, age: 30, monetary: 12 },
    ]);
    expect(history.customers).toBe(1);
    expect(history.recordedPurchases).toBe(2);
    expect(history.ignoredPurchases).toBe(2);
    expect(history.until).toBe('2024-01-31');
  });

  it('measures weeks as days / 7, fractions kept', () => {
    const [summary] = summariseCustomers(
      [
        { customerId: 'w', day: '1997-01-01', amount: 29.33 },
        { customerId: 'w', day: '1997-01-11', amount: 11.77 },
      ],
      { unit: 'week', until: '1997-09-30' },
    );
    expect(summary.frequency).toBe(1);
    expect(summary.recency).toBeCloseTo(10 / 7, 14);
    expect(summary.age).toBeCloseTo(272 / 7, 14);
    expect(summary.monetary).toBeCloseTo(11.77, 14);
  });

  it('gives one-time buyers frequency, recency and spend 0', () => {
    const [summary] = summariseCustomers(
      [
        { customerId: 'once', day: '2024-05-05', amount: 3 },
        { customerId: 'once', day: '2024-05-05', amount: 4 },
      ],
      { unit: 'day', until: '2024-05-12' },
    );
    expect(summary).toEqual({ customerId: 'once', frequency: 0, recency: 0, age: 7, monetary: 0 });
  });

  it('summarises the same whatever order the purchases come in', () => {
    const purchases = [
      { customerId: 'x', day: '2024-01-10', amount: 1 },
      { customerId: 'x', day: '2024-01-20', amount: 2 },
      { customerId: 'x', day: '2024-01-15', amount: 4 },
      { customerId: 'x', day: '2024-01-05', amount: 8 },
      { customerId: 'x', day: '2024-01-15', amount: 16 },
      { customerId: 'x', day: '2024-01-10', amount: 32 },
      { customerId: 'x', day: '2024-01-05', amount: 64 },
      { customerId: 'x', day: '2024-01-12', amount: 128 },
      { customerId: 'x', day: '2024-01-20', amount: 256 },
    ];
    const expected = {
      customerId: 'x',
      frequency: 4,
      recency: 15,
      age: 15,
      monetary: (33 + 128 + 20 + 258) / 4,
    };
    // Every rotation and the reverse: new first days, new last days and days in between.
    for (let shift = 0; shift < purchases.length; shift++) {
      const rotated = [...purchases.slice(shift), ...purchases.slice(0, shift)];
      expect(summariseCustomers(rotated, { unit: 'day' })).toEqual([expected]);
      expect(summariseCustomers(rotated.reverse(), { unit: 'day' })).toEqual([expected]);
    }
  });

  it('keeps many customers apart', () => {
    const history = new PurchaseHistory();
    for (let i = 0; i < 5000; i++) {
      history.add(`c${i}`, '2024-01-01', i);
      if (i % 2) history.add(`c${i}`, '2024-01-08', 2 * i);
    }
    const summaries = [...history.summaries('week')];
    expect(summaries).toHaveLength(5000);
    expect(summaries[4999]).toEqual({
      customerId: 'c4999',
      frequency: 1,
      recency: 1,
      age: 1,
      monetary: 9998,
    });
    expect(summaries[4998]).toEqual({
      customerId: 'c4998',
      frequency: 0,
      recency: 0,
      age: 1,
      monetary: 0,
    });
  });

  it('refuses days that are not calendar days and amounts that are not numbers', () => {
    const history = new PurchaseHistory();
    expect(() => history.add('a', '2024-02-30', 1)).toThrow(RangeError);
    expect(() => history.add('a', '2024-02-03', NaN)).toThrow(RangeError);
    expect(() => new PurchaseHistory({ until: '31/01/2024' })).toThrow(RangeError);
  });
});
