import { Client, type QueryResult } from 'pg';

/** Distinct statements given a name at most; past this, a new statement runs unnamed. */
const MAX_NAMED_STATEMENTS = 2000;
/** PostgreSQL's refusal of a prepared statement whose result columns no longer fit the schema. */
const isStalePlan = (error: unknown) =>
  (error as { code?: string })?.code === '0A000' &&
  (error as Error).message === 'cached plan must not change result type';

const statementNames = new Map<string, string>();

function nameOf(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `linli_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A pg client that prepares each parameterised statement the first time its connection runs
 * it, and afterwards only binds and executes it: PostgreSQL skips parsing and, once it settles
 * on a generic plan, planning. Statement texts are fixed in the code, so the names stay few.
 * When a migration changes a table that a prepared `*` statement reads, PostgreSQL refuses the
 * stale statement once; the connection then prepares its statements again under new names.
 */
export class PreparingClient extends Client {
  private generation = 0;

  // pg's overloads: a parameterised text, with or without a callback, is prepared.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const [text, values, callback] = args;
    const name =
      typeof text === 'string' && Array.isArray(values) && values.length > 0
        ? nameOf(text)
        : undefined;
    if (name === undefined) return (super.query as (...a: unknown[]) => unknown)(...args);
    const generation = this.generation;
    const noteStalePlan = (error: unknown) => {
      if (isStalePlan(error) && this.generation === generation) this.generation += 1;
    };
    const config = { name: `${name}_${generation}`, text, values };
    if (typeof callback === 'function') {
      return super.query(config, (error: Error, result: QueryResult) => {
        if (error) noteStalePlan(error);
        callback(error, result);
      });
    }
    const result = super.query(config);
    result.catch(noteStalePlan);
    return result;
  }
}
