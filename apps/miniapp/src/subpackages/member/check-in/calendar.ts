/** A month (YYYY-MM) as the calendar lays it out: weeks from Monday, blanks before the 1st. */
export function monthGrid(month: string): (string | null)[] {
  const [year, monthNumber] = month.split('-').map(Number);
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  // getUTCDay: 0 is Sunday; the grid starts on Monday.
  const blanks = (new Date(Date.UTC(year, monthNumber - 1, 1)).getUTCDay() + 6) % 7;
  return [
    ...Array<null>(blanks).fill(null),
    ...Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`),
  ];
}

/** The month `step` months after `month` (before it when negative), YYYY-MM. */
export function shiftMonth(month: string, step: number): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const shifted = new Date(Date.UTC(year, monthNumber - 1 + step, 1));
  return shifted.toISOString().slice(0, 7);
}

/** "2026年11月" */
export function monthTitle(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return `${year}年${monthNumber}月`;
}
