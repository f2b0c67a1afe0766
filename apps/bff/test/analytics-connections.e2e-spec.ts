import { DAY_MS, insightHistory } from './support/insight-fixtures';
import { lockWaits } from './support/lock-waits';
import { loginAdmin, startTestApp, TestApp } from './support/test-app';

describe('purchase summaries (built by the day’s first RFM or churn report)', () => {
  // Requests' statements may take a second here; building the summaries may take longer.
  const STATEMENT_TIMEOUT_MS = 1_000;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) });
    admin = await loginAdmin(t);
    const history = insightHistory(t);
    const east = await history.pickupPoint('东门');
    const alice = await history.member('alice', new Date(Date.now() - 100 * DAY_MS));
    await history.order(alice, east, new Date(Date.now() - 3 * DAY_MS), 1_000);
  });
  afterAll(() => t.close());

  it('are built however much longer than a request’s statement reading every order takes', async () => {
    // Writing the summaries waits while another session holds their table, well past the time
    // a request's statement may take and the client waits for its answer.
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`LOCK TABLE purchase_summaries IN SHARE ROW EXCLUSIVE MODE`);
    const report = t.http().get('/api/v1/admin/analytics/rfm').auth(admin, { type: 'bearer' });
    const answered = report.then((res) => res);
    // Once the build waits for the table, past the client's wait for an answer.
    await lockWaits(t.dataSource, 1, 'purchase_summaries');
    await new Promise((resolve) => setTimeout(resolve, 3 * STATEMENT_TIMEOUT_MS));
    await holder.commitTransaction();
    await holder.release();

    const res = await answered;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ buyers: 1 });
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM purchase_summaries`,
    );
    expect(count).toBe(1);
  });
});

describe('reports queued for the analytics connection', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ ANALYTICS_POOL_SIZE: '1' });
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  it('wait their turn behind a report that takes longer than connecting may', async () => {
    // The first report waits for a table another session holds, keeping the one connection.
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`LOCK TABLE orders IN ACCESS EXCLUSIVE MODE`);
    const report = (path: string) =>
      t
        .http()
        .get(`/api/v1/admin/analytics/${path}`)
        .auth(admin, { type: 'bearer' })
        .then((res) => res.status);
    const first = report('overview');
    await lockWaits(t.dataSource, 1, 'orders');
    const second = report('leaders');
    await new Promise((resolve) => setTimeout(resolve, t.config.DB_CONNECT_TIMEOUT_MS + 1_000));
    await holder.commitTransaction();
    await holder.release();
    expect([await first, await second]).toEqual([200, 200]);
  });
});
