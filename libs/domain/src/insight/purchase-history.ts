import { calendarDay, calendarDayNumber } from './calendar-day';

/** The unit the models measure time in; a week is 7 days, so ages in weeks are fractional. */
export type TimeUnit = 'day' | 'week';

const DAYS_PER_UNIT: Record<TimeUnit, number> = { day: 1, week: 7 };

/**
 * What the BG/NBD and Gamma-Gamma models know of a customer (Fader, Hardie and Lee's RFM
 * summary), time in the summary's unit:
 * - frequency (x): the days they purchased on after their first, i.e. repeat purchases;
 * - recency (t_x): from their first purchase day to their last;
 * - age (T): from their first purchase day to the day the history ends;
 * - monetary: the mean amount of their repeat days (the first day's excluded), 0 when x = 0.
 */
export interface CustomerSummary {
  customerId: string;
  frequency: number;
  recency: number;
  age: number;
  monetary: number;
}

export interface PurchaseHistoryOptions {
  /** The last day (YYYY-MM-DD) the history covers; later purchases are left out. */
  until?: string;
}

const INITIAL_CAPACITY = 1024;

/**
 * Customers' purchase histories, fed one purchase at a time, kept as one small record per
 * customer: first and last day, the first day's amount, the total, and the distinct days in
 * between (only for customers with at least three). Purchases of one day, in any order, make
 * one transaction whose amount is their sum. Feeding a customer's purchases in date order
 * costs O(1) each; out of order, a binary search among their own days.
 */
export class PurchaseHistory {
  private readonly untilDay: number | undefined;
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private first = new Int32Array(INITIAL_CAPACITY);
  private last = new Int32Array(INITIAL_CAPACITY);
  private firstAmount = new Float64Array(INITIAL_CAPACITY);
  private total = new Float64Array(INITIAL_CAPACITY);
  /** Distinct purchase days strictly between a customer's first and last, ascending. */
  private readonly between: (number[] | undefined)[] = [];
  private latestDay: number | undefined;
  private purchases = 0;
  private ignored = 0;

  constructor(options: PurchaseHistoryOptions = {}) {
    this.untilDay = options.until === undefined ? undefined : calendarDayNumber(options.until);
  }

  /** Records a purchase on a YYYY-MM-DD day. */
  add(customerId: string, day: string, amount: number): void {
    this.addOnDay(customerId, calendarDayNumber(day), amount);
  }

  /** Records a purchase on a day given as days since 1970-01-01 (see calendarDayNumber). */
  addOnDay(customerId: string, day: number, amount: number): void {
    if (!Number.isInteger(day)) throw new RangeError('A day number is a whole number');
    if (!Number.isFinite(amount)) throw new RangeError(`Not an amount: ${amount}`);
    if (this.untilDay !== undefined && day > this.untilDay) {
      this.ignored++;
      return;
    }
    this.purchases++;
    if (this.latestDay === undefined || day > this.latestDay) this.latestDay = day;
    const known = this.index.get(customerId);
    if (known === undefined) {
      this.create(customerId, day, amount);
      return;
    }
    const i = known;
    this.total[i] += amount;
    const first = this.first[i];
    const last = this.last[i];
    if (day === last) {
      if (first === last) this.firstAmount[i] += amount;
    } else if (day > last) {
      if (first !== last) (this.between[i] ??= []).push(last);
      this.last[i] = day;
    } else if (day === first) {
      this.firstAmount[i] += amount;
    } else if (day < first) {
      if (first !== last) (this.between[i] ??= []).unshift(first);
      this.first[i] = day;
      this.firstAmount[i] = amount;
    } else {
      const days = (this.between[i] ??= []);
      const at = lowerBound(days, day);
      if (days[at] !== day) days.splice(at, 0, day);
    }
  }

  /** Customers with at least one purchase up to the history's end. */
  get customers(): number {
    return this.ids.length;
  }

  /** Purchases recorded (rows, before same-day ones are merged). */
  get recordedPurchases(): number {
    return this.purchases;
  }

  /** Purchases left out for falling after `until`. */
  get ignoredPurchases(): number {
    return this.ignored;
  }

  /** The day the history ends: `until` when given, else the latest purchase day. */
  get until(): string | undefined {
    const day = this.untilDay ?? this.latestDay;
    return day === undefined ? undefined : calendarDay(day);
  }

  /** Each customer's summary, in the order they first appeared, time in `unit`. */
  *summaries(unit: TimeUnit): IterableIterator<CustomerSummary> {
    const end = this.untilDay ?? this.latestDay;
    if (end === undefined) return;
    const daysPerUnit = DAYS_PER_UNIT[unit];
    if (!daysPerUnit) throw new RangeError(`Unknown time unit: ${unit}`);
    for (let i = 0; i < this.ids.length; i++) {
      const first = this.first[i];
      const last = this.last[i];
      const frequency = first === last ? 0 : 1 + (this.between[i]?.length ?? 0);
      yield {
        customerId: this.ids[i],
        frequency,
        recency: (last - first) / daysPerUnit,
        age: (end - first) / daysPerUnit,
        monetary: frequency === 0 ? 0 : (this.total[i] - this.firstAmount[i]) / frequency,
      };
    }
  }

  private create(customerId: string, day: number, amount: number): void {
    const i = this.ids.length;
    if (i === this.first.length) this.grow();
    this.index.set(customerId, i);
    this.ids.push(customerId);
    this.between.push(undefined);
    this.first[i] = day;
    this.last[i] = day;
    this.firstAmount[i] = amount;
    this.total[i] = amount;
  }

  private grow(): void {
    const capacity = this.first.length * 2;
    const first = new Int32Array(capacity);
    first.set(this.first);
    this.first = first;
    const last = new Int32Array(capacity);
    last.set(this.last);
    this.last = last;
    const firstAmount = new Float64Array(capacity);
    firstAmount.set(this.firstAmount);
    this.firstAmount = firstAmount;
    const total = new Float64Array(capacity);
    total.set(this.total);
    this.total = total;
  }
}

function lowerBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface Purchase {
  customerId: string;
  /** YYYY-MM-DD */
  day: string;
  amount: number;
}

/** Customer summaries of a list of purchases (see PurchaseHistory and CustomerSummary). */
export function summariseCustomers(
  purchases: Iterable<Purchase>,
  options: PurchaseHistoryOptions & { unit: TimeUnit },
): CustomerSummary[] {
  const history = new PurchaseHistory(options);
  for (const purchase of purchases) history.add(purchase.customerId, purchase.day, purchase.amount);
  return [...history.summaries(options.unit)];
}
