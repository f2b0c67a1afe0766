import {
  calendarDay,
  calendarDayNumber,
  fitBgNbd,
  fitGammaGamma,
  PurchaseHistory,
  seededRandom,
  simulateAmounts,
  simulateRepeatPurchases,
  summariseCustomers,
} from '@linli/domain';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  InputError,
  main,
  parseArguments,
  readPurchases,
  splitCsvLine,
  UsageError,
} from './analytics';

describe('analytics fit: arguments', () => {
  it('takes --input, and --until and --unit, which default to the last date and days', () => {
    expect(parseArguments(['fit', '--input', 'a.csv'])).toEqual({ input: 'a.csv', unit: 'day' });
    expect(
      parseArguments(['fit', '--unit', 'week', '--until=1997-09-30', '--input=b.csv']),
    ).toEqual({
      input: 'b.csv',
      unit: 'week',
      until: '1997-09-30',
    });
  });

  it.each([
    [[], 'No command given'],
    [['predict', '--input', 'a.csv'], 'Unknown command: predict'],
    [['fit'], '--input is required'],
    [['fit', '--input'], '--input needs a value'],
    [['fit', '--input', 'a.csv', '--unit', 'month'], '--unit must be day or week, not month'],
    [['fit', '--input', 'a.csv', '--until', '1997-02-30'], '--until must be a calendar day'],
    [['fit', '--input', 'a.csv', '--until', '30/09/1997'], '--until must be a calendar day'],
    [['fit', '--input', 'a.csv', '--input', 'b.csv'], '--input given twice'],
    [['fit', '--input', 'a.csv', '--verbose'], 'Unknown argument: --verbose'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(UsageError);
    expect(() => parseArguments(argv)).toThrow(message);
  });
});

describe('analytics fit: CSV', () => {
  it('splits fields, quoted or not, trimming spaces', () => {
    expect(splitCsvLine('c1,2024-01-02,12.50')).toEqual(['c1', '2024-01-02', '12.50']);
    expect(splitCsvLine(' c1 , 2024-01-02 , 3 ')).toEqual(['c1', '2024-01-02', '3']);
    expect(splitCsvLine('"Li, Wei",2024-01-02,"8"')).toEqual(['Li, Wei', '2024-01-02', '8']);
    expect(splitCsvLine('"say ""hi""", "2024-01-02" ,1')).toEqual(['say "hi"', '2024-01-02', '1']);
    expect(splitCsvLine('a,,')).toEqual(['a', '', '']);
    expect(() => splitCsvLine('"open,2024-01-02,1')).toThrow('not closed');
    expect(() => splitCsvLine('"a"b,2024-01-02,1')).toThrow('text after a quoted field');
  });

  const read = async (text: string, until?: string) => {
    const history = new PurchaseHistory({ until });
    const summary = await readPurchases(Readable.from([text]), history);
    return { ...summary, history, customers: [...history.summaries('day')] };
  };

  it('reads rows with or without a header, CRLF, blank lines, a byte-order mark and quotes', async () => {
    const withHeader = await read(
      '\ufeffcustomer_id,date,amount\r\n\r\nc1,2024-01-01,10\r\n"c2",2024-01-03,5\r\nc1,2024-01-05,"7.5"\r\n',
    );
    expect(withHeader).toMatchObject({ rows: 3, header: true });
    expect(withHeader.customers).toEqual([
      { customerId: 'c1', frequency: 1, recency: 4, age: 4, monetary: 7.5 },
      { customerId: 'c2', frequency: 0, recency: 0, age: 2, monetary: 0 },
    ]);
    const without = await read('c1,2024-01-01,10\nc1,2024-01-05,7.5\n\n');
    expect(without).toMatchObject({ rows: 2, header: false });
    expect(without.customers).toEqual([
      { customerId: 'c1', frequency: 1, recency: 4, age: 4, monetary: 7.5 },
    ]);
  });

  it('takes a header under other names', async () => {
    expect(await read('member,day,yuan\nm,2024-01-01,1\n')).toMatchObject({
      rows: 1,
      header: true,
    });
  });

  it.each([
    ['c1,2024-01-01\n', 'line 1: expected 3 fields (customer_id,date,amount), found 2'],
    [
      'customer_id,date,amount\nc1,2024-01-01,1\nc1,2024-02-30,1\n',
      'line 3: date "2024-02-30" is not a calendar day',
    ],
    ['c1,2024-01-01,1\n\nc1,01/02/2024,1\n', 'line 3: date "01/02/2024" is not a calendar day'],
    ['c1,2024-01-01,1\nc1,2024-01-02,12 yuan\n', 'line 2: amount "12 yuan" is not a number'],
    ['c1,2024-01-01,1\nc1,2024-01-02,\n', 'line 2: amount "" is not a number'],
    ['c1,2024-01-01,1\n,2024-01-02,3\n', 'line 2: customer_id is empty'],
    ['c1,2024-01-01,1\n"c2,2024-01-02,3\n', 'line 2: a quoted field is not closed'],
    ['c1,2024-01-01,1,extra\n', 'line 1: expected 3 fields'],
  ])('names the line it cannot read: %j', async (text, message) => {
    const attempt = read(text);
    await expect(attempt).rejects.toThrow(InputError);
    await expect(read(text)).rejects.toThrow(message);
  });
});

describe('analytics fit: the command', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'analytics-fit-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Customers drawn from the models, some buying twice on a day; a header and CRLF lines. */
  function purchasesCsv(customers: number): string {
    const random = seededRandom(2024);
    const start = calendarDayNumber('2024-01-01');
    const lines = ['customer_id,date,amount'];
    for (let c = 0; c < customers; c++) {
      const first = Math.floor(random() * 120);
      const times = simulateRepeatPurchases(
        { r: 0.8, alpha: 20, a: 0.7, b: 3 },
        364 - first,
        random,
      );
      const days = [first, ...times.map((t) => first + Math.floor(t))];
      const amounts = simulateAmounts({ p: 5, q: 4, gamma: 100 }, days.length, random);
      days.forEach((day, i) => {
        const amount = Math.round(amounts[i] * 100) / 100 + 0.01;
        const date = calendarDay(start + day);
        if (i % 3 === 1) {
          lines.push(`member-${c},${date},1.00`, `member-${c},${date},${(amount - 1).toFixed(2)}`);
        } else {
          lines.push(`member-${c},${date},${amount.toFixed(2)}`);
        }
      });
    }
    return `${lines.join('\r\n')}\r\n`;
  }

  const run = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      argv,
      { write: (text: string) => (stdout += text) },
      { write: (text: string) => (stderr += text) },
    );
    return { code, stdout, stderr };
  };

  it('prints only the JSON of both fits on stdout, on one line, diagnostics on stderr', async () => {
    const input = join(folder, 'purchases.csv');
    const csv = purchasesCsv(400);
    writeFileSync(input, csv);
    const { code, stdout, stderr } = await run(['fit', '--input', input, '--unit', 'week']);
    expect(code).toBe(0);
    expect(stdout.endsWith('\n') && !stdout.slice(0, -1).includes('\n')).toBe(true);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['bgnbd', 'gammaGamma', 'customers']);
    expect(Object.keys(result.bgnbd)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(Object.keys(result.gammaGamma)).toEqual(['p', 'q', 'gamma']);
    for (const value of [...Object.values(result.bgnbd), ...Object.values(result.gammaGamma)])
      expect(typeof value === 'number' && value > 0).toBe(true);
    expect(result.customers).toBe(400);
    expect(stderr).toContain('400 customers');

    // The same fits as the domain's own summaries of the same rows.
    const purchases = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => {
        const [customerId, day, amount] = line.split(',');
        return { customerId, day, amount: Number(amount) };
      });
    const summaries = summariseCustomers(purchases, { unit: 'week' });
    expect(result.bgnbd).toEqual(fitBgNbd(summaries).params);
    expect(result.gammaGamma).toEqual(fitGammaGamma(summaries).params);
  });

  it('fits only the purchases up to --until, and measures alpha in the unit asked for', async () => {
    const input = join(folder, 'purchases.csv');
    writeFileSync(input, purchasesCsv(300));
    const inDays = JSON.parse(
      (await run(['fit', '--input', input, '--until', '2024-09-30'])).stdout,
    );
    const inWeeks = JSON.parse(
      (await run(['fit', '--input', input, '--until', '2024-09-30', '--unit', 'week'])).stdout,
    );
    expect(inDays.bgnbd.alpha / 7).toBeCloseTo(inWeeks.bgnbd.alpha, 5);
    expect(inDays.bgnbd.r).toBeCloseTo(inWeeks.bgnbd.r, 6);
    const early = JSON.parse(
      (await run(['fit', '--input', input, '--until', '2024-02-01'])).stdout,
    );
    expect(early.customers).toBeLessThan(300);
  });

  it('says null for Gamma-Gamma when nobody came back', async () => {
    const input = join(folder, 'once.csv');
    writeFileSync(input, 'a,2024-01-01,5\nb,2024-01-03,6\nc,2024-01-09,7\nb,2024-01-03,1\n');
    const { code, stdout, stderr } = await run(['fit', '--input', input]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ gammaGamma: null, customers: 3 });
    expect(stderr).toContain('no Gamma-Gamma fit');
  });

  it('exits 2 with the usage on stderr for bad arguments', async () => {
    for (const argv of [
      ['fit'],
      ['fit', '--input', 'x.csv', '--unit', 'hour'],
      ['fit', '--input', 'x', '--until', 'soon'],
    ]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('Usage: analytics fit --input <csv>');
    }
  });

  it('exits 1 naming the line of a malformed row, a missing file or no purchases', async () => {
    const bad = join(folder, 'bad.csv');
    writeFileSync(bad, 'customer_id,date,amount\nc1,2024-01-01,3\nc1,2024-13-01,3\n');
    const cases: [string[], string][] = [
      [['fit', '--input', bad], 'line 3: date "2024-13-01" is not a calendar day'],
      [['fit', '--input', join(folder, 'missing.csv')], 'ENOENT'],
      [['fit', '--input', folder], 'EISDIR'],
    ];
    const empty = join(folder, 'empty.csv');
    writeFileSync(empty, 'customer_id,date,amount\n');
    cases.push([['fit', '--input', empty], 'no purchases in']);
    const late = join(folder, 'late.csv');
    writeFileSync(late, 'c1,2024-01-01,3\n');
    cases.push([
      ['fit', '--input', late, '--until', '1990-01-01'],
      'no purchases on or before 1990-01-01',
    ]);
    for (const [argv, message] of cases) {
      const { code, stdout, stderr } = await run(argv);
      expect({ argv, code, stdout }).toEqual({ argv, code: 1, stdout: '' });
      expect(stderr).toContain(message);
    }
  });
});
