/** True when an error means PostgreSQL cannot be reached, rather than a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = sqlStateOf(error);
  if (
    code &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      '57P01',
      '57P02',
      '57P03',
      '53300',
      '08000',
      '08001',
      '08003',
      '08006',
    ].includes(code)
  ) {
    return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end/i.test(
    error.message,
  );
}

/** True when PostgreSQL refused a row because a unique index already holds its key. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505';
}

/**
 * True when PostgreSQL aborted a transaction to break a deadlock (40P01) or because it could
 * not serialise it (40001): the same transaction, run again, can succeed.
 */
export function isTransactionConflict(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code === '40P01' || code === '40001';
}

/**
 * True when PostgreSQL gave up on a statement that can succeed when sent again: a deadlock or
 * serialisation failure it broke, or a statement cancelled by the statement timeout (57014).
 */
export function isTransientDatabaseFailure(error: unknown): boolean {
  return isTransactionConflict(error) || sqlStateOf(error) === '57014';
}

/** The error's code: PostgreSQL's SQLSTATE (from pg, or from TypeORM's wrapper), or Node's. */
function sqlStateOf(error: unknown): string | undefined {
  return (
    (error as { code?: string } | null)?.code ??
    (error as { driverError?: { code?: string } } | null)?.driverError?.code
  );
}
