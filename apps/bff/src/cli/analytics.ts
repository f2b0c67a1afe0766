import {
  BgNbdParams,
  fitBgNbd,
  fitGammaGamma,
  GammaGammaParams,
  hasRepeatSpend,
  PurchaseHistory,
  TimeUnit,
  tryCalendarDayNumber,
} from '@linli/domain';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export const USAGE = `Usage: analytics fit --input <csv> [--until YYYY-MM-DD] [--unit day|week]

Fits BG/NBD on every customer's purchase history and Gamma-Gamma on those who came back, and
prints the parameters as JSON on stdout.

  --input <csv>         rows of customer_id,date,amount (header optional; date YYYY-MM-DD,
                        amount in yuan); one customer's purchases on one day are one purchase
  --until YYYY-MM-DD    the last day the history covers (default: the latest date in the file)
  --unit day|week       the time unit of the model, and so of alpha (default: day)
`;

export interface FitArguments {
  input: string;
  until?: string;
  unit: TimeUnit;
}

/** The arguments could not be understood: the usage is shown and the exit code is 2. */
export class UsageError extends Error {}

/** A row of the input could not be read: the exit code is 1. */
export class InputError extends Error {}

const UNITS: readonly TimeUnit[] = ['day', 'week'];

export function parseArguments(argv: readonly string[]): FitArguments {
  const [command, ...rest] = argv;
  if (command !== 'fit')
    throw new UsageError(command ? `Unknown command: ${command}` : 'No command given');
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i];
    const match = /^--(input|until|unit)(?:=(.*))?$/s.exec(argument);
    if (!match) throw new UsageError(`Unknown argument: ${argument}`);
    const [, name, inline] = match;
    const value = inline ?? rest[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    if (options.has(name)) throw new UsageError(`--${name} given twice`);
    options.set(name, value);
  }
  const input = options.get('input');
  if (!input) throw new UsageError('--input is required');
  const unit = options.get('unit') ?? 'day';
  if (!UNITS.includes(unit as TimeUnit))
    throw new UsageError(`--unit must be day or week, not ${unit}`);
  const until = options.get('until');
  if (until !== undefined && tryCalendarDayNumber(until) === undefined)
    throw new UsageError(`--until must be a calendar day YYYY-MM-DD, not ${until}`);
  return { input, unit: unit as TimeUnit, ...(until !== undefined && { until }) };
}

/**
 * The fields of one CSV line (RFC 4180 quoting: "a, b" and "say ""hi""" are one field each),
 * trimmed of surrounding spaces; a RangeError for a quote left open or text after one.
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((field) => field.trim());
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new RangeError('a quoted field is not closed');
        field += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') throw new RangeError('text after a quoted field');
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      field = line.slice(i, end).trim();
      if (field.includes('"')) throw new RangeError('a quote inside an unquoted field');
      i = end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

const AMOUNT_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface ReadSummary {
  /** Data rows read (the header and blank lines not counted). */
  rows: number;
  header: boolean;
}

/**
 * Feeds each `customer_id,date,amount` row of a CSV stream to `history`, line by line, so a
 * file of any length takes memory only for the customers. The first non-blank line is a
 * header when its date is not a date and its amount not a number. An InputError names the
 * first line that cannot be read.
 */
export async function readPurchases(
  stream: NodeJS.ReadableStream,
  history: PurchaseHistory,
): Promise<ReadSummary> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  // Rows usually come in date order, so a few thousand distinct dates recur millions of times.
  const dayNumbers = new Map<string, number | undefined>();
  const dayNumber = (date: string) => {
    if (dayNumbers.has(date)) return dayNumbers.get(date);
    const number = tryCalendarDayNumber(date);
    if (dayNumbers.size < 100_000) dayNumbers.set(date, number);
    return number;
  };
  let lineNumber = 0;
  let rows = 0;
  let header = false;
  let seenContent = false;
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.trim() === '') continue;
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch (error) {
      throw new InputError(`line ${lineNumber}: ${(error as Error).message}`);
    }
    if (!seenContent) {
      seenContent = true;
      if (
        fields.length === 3 &&
        dayNumber(fields[1]) === undefined &&
        !AMOUNT_PATTERN.test(fields[2])
      ) {
        header = true;
        continue;
      }
    }
    if (fields.length !== 3)
      throw new InputError(
        `line ${lineNumber}: expected 3 fields (customer_id,date,amount), found ${fields.length}`,
      );
    const [customerId, date, amountText] = fields;
    if (customerId === '') throw new InputError(`line ${lineNumber}: customer_id is empty`);
    const day = dayNumber(date);
    if (day === undefined)
      throw new InputError(`line ${lineNumber}: date "${date}" is not a calendar day (YYYY-MM-DD)`);
    if (!AMOUNT_PATTERN.test(amountText))
      throw new InputError(`line ${lineNumber}: amount "${amountText}" is not a number`);
    history.addOnDay(customerId, day, Number(amountText));
    rows++;
  }
  return { rows, header };
}

export interface FitResult {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams | null;
  customers: number;
}

/** `analytics fit`: the fitted parameters, with what it did said through `log`. */
export async function fit(args: FitArguments, log: (line: string) => void): Promise<FitResult> {
  const started = Date.now();
  const history = new PurchaseHistory({ until: args.until });
  const stream = createReadStream(args.input);
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  await opened.catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${args.input}: ${error.code ?? error.message}`);
  });
  const read = await readPurchases(stream, history).catch((error: NodeJS.ErrnoException) => {
    // A failed read (a folder, a disk error) is the input's fault, not a bug to show a stack for.
    if (error instanceof InputError || !error.code) throw error;
    throw new InputError(`cannot read ${args.input}: ${error.code}`);
  });
  if (history.customers === 0)
    throw new InputError(
      read.rows === 0 ? `no purchases in ${args.input}` : `no purchases on or before ${args.until}`,
    );
  log(
    `read ${read.rows} rows${read.header ? ' after the header' : ''}` +
      (history.ignoredPurchases
        ? `, ${history.ignoredPurchases} after ${history.until} left out`
        : '') +
      `: ${history.customers} customers until ${history.until}, in ${Date.now() - started} ms`,
  );

  const bgnbd = fitBgNbd(history.summaries(args.unit));
  log(
    `BG/NBD on ${bgnbd.customers} customers (time in ${args.unit}s): log-likelihood ${bgnbd.logLikelihood}`,
  );
  if (!bgnbd.converged)
    log('warning: BG/NBD has no maximum inside on these data; its parameters say little');

  let returning = 0;
  let withoutSpend = 0;
  for (const summary of history.summaries(args.unit)) {
    if (summary.frequency === 0) continue;
    if (hasRepeatSpend(summary)) returning++;
    else withoutSpend++;
  }
  if (withoutSpend)
    log(
      `${withoutSpend} returning customers spent nothing on their repeat days: left out of Gamma-Gamma`,
    );
  let gammaGamma: GammaGammaParams | null = null;
  if (returning > 0) {
    const spend = fitGammaGamma(history.summaries(args.unit));
    gammaGamma = spend.params;
    log(
      `Gamma-Gamma on ${spend.customers} returning customers: log-likelihood ${spend.logLikelihood}`,
    );
  } else {
    log('no customer came back with a positive spend: no Gamma-Gamma fit');
  }
  log(`done in ${Date.now() - started} ms`);
  return { bgnbd: bgnbd.params, gammaGamma, customers: history.customers };
}

interface Output {
  write(text: string): unknown;
}

/** The command line: the JSON result on stdout, anything else on stderr; the exit code. */
export async function main(
  argv: readonly string[],
  stdout: Output,
  stderr: Output,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(USAGE);
    return 0;
  }
  let args: FitArguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`analytics: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = await fit(args, (line) => stderr.write(`analytics: ${line}\n`));
    // One line, after anything a runner printed before it: the last line of stdout is the result.
    stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof RangeError) {
      stderr.write(`analytics: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.stdout, process.stderr)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
