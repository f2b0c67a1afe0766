// The raw-SQL operations the benchmarks take as their baselines, run from the load client and,
// behind bare-http-server.js, over HTTP.
const { randomUUID } = require('node:crypto');
const { inTransaction } = require('./support');

const rawOperations = {
  /** The raw earn of points-bench.js: one journal insert and one lot update in a transaction. */
  earn: (pool, worker) =>
    inTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO bench_journal (id, member, amount, operation_key) VALUES ($1, $2, 1, $3)`,
        [randomUUID(), worker, randomUUID()],
      );
      await client.query(`UPDATE bench_lots SET remaining = remaining + 1 WHERE member = $1`, [
        worker,
      ]);
    }),
  /** The raw stock update of orders-bench.js: the guarded decrement alone. */
  'take-stock': async (pool) => {
    const result = await pool.query(
      `UPDATE bench_stock SET stock = stock - 1 WHERE id = $1 AND stock >= 1`,
      [1],
    );
    if (result.rowCount !== 1) throw new Error('raw update found no stock');
  },
};

module.exports = { rawOperations };
