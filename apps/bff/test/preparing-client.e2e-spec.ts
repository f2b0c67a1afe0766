import { Pool, PoolClient } from 'pg';
import { PreparingClient } from '../src/database/preparing-client';
import { createTestDatabase, TestDatabase } from './support/test-database';

describe('PreparingClient', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection, so that every query below meets the statements the earlier ones prepared.
    pool = new Pool({ connectionString: database.url, max: 1, Client: PreparingClient });
    await pool.query(`CREATE TABLE shelves (id int PRIMARY KEY, label text NOT NULL)`);
    await pool.query(`INSERT INTO shelves VALUES (1, 'rice'), (2, 'eggs')`);
  });
  afterAll(async () => {
    // The pool's end does not wait for its connection to close, and the database's drop may
    // end that connection first: the pool reports it as an error, with no one left to care.
    pool.on('error', () => undefined);
    await pool.end();
    await database.drop();
  });

  /** The statements this connection has prepared, by their text. */
  async function prepared(client: PoolClient | Pool): Promise<string[]> {
    const { rows } = await client.query(
      `SELECT statement FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY prepare_time`,
      ['linli\\_%'],
    );
    return rows.map((row: { statement: string }) => row.statement);
  }

  it('prepares a parameterised statement once per connection and answers each run from it', async () => {
    const client = await pool.connect();
    try {
      const read = `SELECT label FROM shelves WHERE id = $1`;
      expect((await client.query(read, [1])).rows).toEqual([{ label: 'rice' }]);
      expect((await client.query(read, [2])).rows).toEqual([{ label: 'eggs' }]);
      expect((await client.query(read, [3])).rows).toEqual([]);
      await client.query(`SELECT count(*) FROM shelves`);
      expect((await prepared(client)).filter((text) => text === read)).toHaveLength(1);
      expect(await prepared(client)).not.toContain(`SELECT count(*) FROM shelves`);
    } finally {
      client.release();
    }
  });

  it('prepares statements run through the pool (its callback form) as well', async () => {
    const count = `SELECT count(*)::int AS n FROM shelves WHERE id <= $1`;
    expect((await pool.query(count, [2])).rows).toEqual([{ n: 2 }]);
    expect((await pool.query(count, [1])).rows).toEqual([{ n: 1 }]);
    expect((await prepared(pool)).filter((text) => text === count)).toHaveLength(1);
  });

  it('reports a failing run to its caller and runs the statement it prepared again', async () => {
    const client = await pool.connect();
    try {
      const insert = `INSERT INTO shelves VALUES ($1, $2)`;
      await expect(client.query(insert, [1, 'duplicate'])).rejects.toMatchObject({
        code: '23505',
      });
      await client.query(insert, [3, 'tofu']);
      expect((await client.query(`SELECT label FROM shelves WHERE id = $1`, [3])).rows).toEqual([
        { label: 'tofu' },
      ]);
      expect((await prepared(client)).filter((text) => text === insert)).toHaveLength(1);
    } finally {
      client.release();
    }
  });

  it('prepares again, under new names, once a migration changed what a prepared * statement returns', async () => {
    const client = await pool.connect();
    try {
      const readAll = `SELECT * FROM shelves WHERE id = $1`;
      expect((await client.query(readAll, [1])).rows).toEqual([{ id: 1, label: 'rice' }]);
      await client.query(`ALTER TABLE shelves ADD COLUMN aisle int NOT NULL DEFAULT 7`);
      await expect(client.query(readAll, [1])).rejects.toThrow(
        'cached plan must not change result type',
      );
      expect((await client.query(readAll, [1])).rows).toEqual([{ id: 1, label: 'rice', aisle: 7 }]);
      expect((await client.query(`SELECT label FROM shelves WHERE id = $1`, [2])).rows).toEqual([
        { label: 'eggs' },
      ]);
    } finally {
      client.release();
    }
  });
});
