import type { AxiosAdapter } from 'axios';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@linli/api-contract';
import { ApiError } from './api-error';
import { createApiClient, TokenStore } from './api-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** The fake BFF of the running spec, closed after it. */
let server: Server | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) => {
      if (server) server.close(() => resolve());
      else resolve();
      server = undefined;
    }),
);

async function fakeBff(handler: Handler): Promise<{ url: string; server: Server }> {
  const bff = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => bff.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(bff.address() as AddressInfo).port}/api/v1`, server: bff };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const base64url = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');

/** A token shaped as the BFF's, issued to `member`: the client reads whose it is, nothing more. */
const token = (member: string, id: string) =>
  `${base64url({ alg: 'HS256' })}.${base64url({ sub: member, jti: id })}.signature`;

function memoryStore(
  access: string | null,
  refresh: string | null,
): TokenStore & { cleared: boolean } {
  const state = { access, refresh, cleared: false };
  return {
    get cleared() {
      return state.cleared;
    },
    getAccessToken: () => state.access,
    getRefreshToken: () => state.refresh,
    setTokens: (t) => Object.assign(state, { access: t.accessToken, refresh: t.refreshToken }),
    clear: () => Object.assign(state, { access: null, refresh: null, cleared: true }),
  };
}

const stale = token('m1', 'stale');
const fresh = token('m1', 'fresh');

const me = {
  id: 'm1',
  nickname: 'alice',
  tier: 'regular',
  roles: ['shopper'],
  pickupPoint: null,
  inviteCode: 'ABCDEFGH',
  memberSince: '2026-01-01T00:00:00.000Z',
};

describe('api-client', () => {
  it('shares one refresh among many requests that found the token expired', async () => {
    const refreshes: unknown[] = [];
    const fake = await fakeBff((req, body, res) => {
      if (req.url === '/api/v1/auth/refresh') {
        refreshes.push(JSON.parse(body));
        // Answer slowly, so that most requests are waiting on the same refresh.
        return void setTimeout(
          () => json(res, 200, { accessToken: fresh, refreshToken: 'refresh-2' }),
          50,
        );
      }
      if (req.headers.authorization === `Bearer ${fresh}`) return json(res, 200, me);
      json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
    });
    server = fake.server;
    const store = memoryStore(stale, 'refresh-1');
    const client = createApiClient({ baseURL: fake.url, tokenStore: store });
    const results = await Promise.all(Array.from({ length: 10 }, () => client.me.get()));
    expect(results).toEqual(Array(10).fill(me));
    expect(refreshes).toEqual([{ refreshToken: 'refresh-1' }]);
    expect(store.getRefreshToken()).toBe('refresh-2');
  });

  it('retries with the new token, without refreshing again, a request refused after a refresh finished', async () => {
    const refreshes: unknown[] = [];
    let refreshAnswered!: () => void;
    const answered = new Promise<void>((resolve) => (refreshAnswered = resolve));
    let staleRequests = 0;
    const fake = await fakeBff((req, body, res) => {
      if (req.url === '/api/v1/auth/refresh') {
        refreshes.push(JSON.parse(body));
        json(res, 200, { accessToken: fresh, refreshToken: 'refresh-2' });
        return refreshAnswered();
      }
      if (req.headers.authorization === `Bearer ${fresh}`) return json(res, 200, me);
      const expired = () =>
        json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
      // The second stale request is refused only once the first one's refresh is done.
      staleRequests += 1;
      if (staleRequests === 1) expired();
      else void answered.then(() => setTimeout(expired, 20));
    });
    server = fake.server;
    const store = memoryStore(stale, 'refresh-1');
    const client = createApiClient({ baseURL: fake.url, tokenStore: store });
    expect(await Promise.all([client.me.get(), client.me.get()])).toEqual([me, me]);
    expect(refreshes).toEqual([{ refreshToken: 'refresh-1' }]);
  });

  it('ends the session when the refresh is refused', async () => {
    const fake = await fakeBff((req, _body, res) => {
      if (req.url === '/api/v1/auth/refresh')
        return json(res, 401, { error: { code: 'REFRESH_TOKEN_INVALID', message: 'again' } });
      json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
    });
    server = fake.server;
    const store = memoryStore('stale', 'used');
    const onSessionExpired = jest.fn();
    const client = createApiClient({ baseURL: fake.url, tokenStore: store, onSessionExpired });
    await expect(client.me.get()).rejects.toMatchObject({
      code: ErrorCode.RefreshTokenInvalid,
      status: 401,
    });
    expect(store.cleared).toBe(true);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('renews an access token the BFF no longer takes (a new signing key), and ends the session when the refresh token is refused too', async () => {
    let refreshTaken = true;
    const fake = await fakeBff((req, _body, res) => {
      if (req.url === '/api/v1/auth/refresh')
        return refreshTaken
          ? json(res, 200, { accessToken: fresh, refreshToken: 'refresh-2' })
          : json(res, 401, { error: { code: 'REFRESH_TOKEN_INVALID', message: 'again' } });
      if (req.headers.authorization === `Bearer ${fresh}`) return json(res, 200, me);
      json(res, 401, { error: { code: 'AUTH_TOKEN_INVALID', message: 'not ours' } });
    });
    server = fake.server;
    const renewed = memoryStore(stale, 'refresh-1');
    expect(await createApiClient({ baseURL: fake.url, tokenStore: renewed }).me.get()).toEqual(me);
    expect(renewed.getRefreshToken()).toBe('refresh-2');

    refreshTaken = false;
    const ended = memoryStore(stale, 'refresh-1');
    const onSessionExpired = jest.fn();
    const client = createApiClient({ baseURL: fake.url, tokenStore: ended, onSessionExpired });
    await expect(client.me.get()).rejects.toMatchObject({ code: ErrorCode.RefreshTokenInvalid });
    expect(ended.cleared).toBe(true);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('tells the app the BFF’s time from the Date header of its answers, refusals too', async () => {
    const fake = await fakeBff((req, _body, res) => {
      res.setHeader('Date', 'Fri, 27 Nov 2026 06:30:00 GMT');
      if (req.url === '/api/v1/me') return json(res, 200, me);
      json(res, 404, { error: { code: 'NOT_FOUND', message: 'gone' } });
    });
    server = fake.server;
    const heard: string[] = [];
    const client = createApiClient({
      baseURL: fake.url,
      tokenStore: memoryStore('a', 'r'),
      onServerTime: (at) => heard.push(at.toISOString()),
    });
    await client.me.get();
    await expect(client.orders.get('gone')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(heard).toEqual(['2026-11-27T06:30:00.000Z', '2026-11-27T06:30:00.000Z']);

    // WeChat's request hands the header over as the server spelt it.
    const wechat = createApiClient({
      baseURL: 'https://bff.example/api/v1',
      adapter: async (config) => ({
        data: me,
        status: 200,
        statusText: 'OK',
        headers: { Date: 'Fri, 27 Nov 2026 06:31:00 GMT' },
        config,
      }),
      tokenStore: memoryStore('a', 'r'),
      onServerTime: (at) => heard.push(at.toISOString()),
    });
    await wechat.me.get();
    expect(heard[2]).toBe('2026-11-27T06:31:00.000Z');
  });

  it('maps error bodies, bare statuses and network failures onto codes', async () => {
    const fake = await fakeBff((req, _body, res) => {
      if (req.url === '/api/v1/me')
        return json(res, 403, {
          error: { code: 'FORBIDDEN', message: 'no', details: { why: 'role' } },
        });
      res.writeHead(429).end('slow down');
    });
    server = fake.server;
    const client = createApiClient({ baseURL: fake.url, tokenStore: memoryStore('t', null) });
    const forbidden = await client.me.get().catch((e) => e);
    expect(forbidden).toBeInstanceOf(ApiError);
    expect(forbidden).toMatchObject({
      code: ErrorCode.Forbidden,
      status: 403,
      message: 'no',
      details: { why: 'role' },
    });
    await expect(client.auth.wechatLogin({ code: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
      status: 429,
    });

    const offline = createApiClient({
      baseURL: 'http://127.0.0.1:1/api/v1',
      tokenStore: memoryStore(null, null),
    });
    await expect(offline.me.get()).rejects.toMatchObject({
      code: ErrorCode.NetworkError,
      status: 0,
    });
  });

  it('sends every request through an injected adapter and stores the tokens of a log-in', async () => {
    const seen: { url?: string; method?: string; data?: unknown }[] = [];
    const adapter: AxiosAdapter = async (config) => {
      seen.push({ url: config.url, method: config.method, data: config.data });
      const data = {
        accessToken: 'a',
        refreshToken: 'r',
        member: { id: 'm1', nickname: 'alice', tier: 'regular' },
      };
      return { data, status: 200, statusText: 'OK', headers: {}, config };
    };
    const store = memoryStore(null, null);
    const client = createApiClient({
      baseURL: 'https://bff.example/api/v1',
      adapter,
      tokenStore: store,
    });
    const login = await client.auth.wechatLogin({ code: 'dev:alice' });
    expect(login.member.nickname).toBe('alice');
    expect(seen).toEqual([
      { url: '/auth/wechat-login', method: 'post', data: JSON.stringify({ code: 'dev:alice' }) },
    ]);
    expect(store.getAccessToken()).toBe('a');
  });

  it("asks for a leader's lists a page at a time, with their filter, and gives back the page", async () => {
    const seen: { url?: string; params?: unknown }[] = [];
    const adapter: AxiosAdapter = async (config) => {
      seen.push({ url: config.url, params: config.params });
      return {
        data: { items: [], nextCursor: 'next' },
        status: 200,
        statusText: 'OK',
        headers: {},
        config,
      };
    };
    const client = createApiClient({
      baseURL: 'https://bff.example/api/v1',
      adapter,
      tokenStore: memoryStore('a', 'r'),
    });
    const pages = [
      await client.leader.pickups({ state: 'picked_up', limit: 20, cursor: 'c1' }),
      await client.leader.deliveries({ state: 'dispatched', limit: 5 }),
      await client.leader.withdrawals({ limit: 20, cursor: 'c3' }),
      await client.leader.pickups(),
      await client.leader.rewardPickups({ state: 'ready_for_pickup', limit: 10 }),
    ];
    expect(pages).toEqual(Array(5).fill({ items: [], nextCursor: 'next' }));
    expect(seen).toEqual([
      { url: '/leader/pickups', params: { state: 'picked_up', limit: 20, cursor: 'c1' } },
      { url: '/leader/deliveries', params: { state: 'dispatched', limit: 5 } },
      { url: '/leader/withdrawals', params: { limit: 20, cursor: 'c3' } },
      { url: '/leader/pickups', params: {} },
      { url: '/leader/reward-pickups', params: { state: 'ready_for_pickup', limit: 10 } },
    ]);
  });

  it("asks for the member's recommendations, as many as wanted, and gives back the list", async () => {
    const seen: { url?: string; params?: unknown }[] = [];
    const list = { items: [] };
    const adapter: AxiosAdapter = async (config) => {
      seen.push({ url: config.url, params: config.params });
      return { data: list, status: 200, statusText: 'OK', headers: {}, config };
    };
    const client = createApiClient({
      baseURL: 'https://bff.example/api/v1',
      adapter,
      tokenStore: memoryStore('a', 'r'),
    });
    expect(await client.me.recommendations({ limit: 6 })).toEqual(list);
    expect(await client.me.recommendations()).toEqual(list);
    expect(seen).toEqual([
      { url: '/me/recommendations', params: { limit: 6 } },
      { url: '/me/recommendations', params: {} },
    ]);
  });
});

describe('api-client: a refresh that fails or outlives its session', () => {
  it('keeps the session when the refresh call never reached the BFF (network blip)', async () => {
    const fake = await fakeBff((req, _body, res) => {
      // The refresh request dies on the wire: no HTTP answer, the refresh token was never used.
      if (req.url === '/api/v1/auth/refresh') return void res.socket?.destroy();
      json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
    });
    server = fake.server;
    const store = memoryStore('stale', 'refresh-1');
    const onSessionExpired = jest.fn();
    const client = createApiClient({ baseURL: fake.url, tokenStore: store, onSessionExpired });
    await expect(client.me.get()).rejects.toMatchObject({ code: ErrorCode.NetworkError });
    // A network error can be tried again: the refresh token, never used, is kept.
    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(store.getRefreshToken()).toBe('refresh-1');
  });

  it('keeps the session when the BFF answers the refresh with 503 / 429', async () => {
    const fake = await fakeBff((req, _body, res) => {
      if (req.url === '/api/v1/auth/refresh')
        return json(res, 503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'db down' } });
      json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
    });
    server = fake.server;
    const store = memoryStore('stale', 'refresh-1');
    const onSessionExpired = jest.fn();
    const client = createApiClient({ baseURL: fake.url, tokenStore: store, onSessionExpired });
    await expect(client.me.get()).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
    expect(onSessionExpired).not.toHaveBeenCalled();
    expect(store.getRefreshToken()).toBe('refresh-1');
  });

  /**
   * Alice's expired request sends her refresh, which the fake BFF holds until `answer()`; `out`
   * resolves once it is on its way, and `request` is her request.
   */
  async function aliceRefreshing() {
    let answer!: () => void;
    let arrived!: () => void;
    const out = new Promise<void>((resolve) => (arrived = resolve));
    const fake = await fakeBff((req, _body, res) => {
      if (req.url === '/api/v1/auth/refresh') {
        answer = () => json(res, 200, { accessToken: 'alice-2', refreshToken: 'alice-r2' });
        return arrived();
      }
      if (req.headers.authorization === 'Bearer alice-2') return json(res, 200, me);
      json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
    });
    server = fake.server;
    const store = memoryStore('alice-1', 'alice-r1');
    const client = createApiClient({ baseURL: fake.url, tokenStore: store });
    const request = client.me.get().catch(() => undefined);
    await out;
    return { store, request, answer: () => answer() };
  }

  it('does not bring back the tokens of a member who logged out while their refresh was out', async () => {
    const { store, request, answer } = await aliceRefreshing();
    store.clear(); // alice taps 退出登录 (the mini-program's logout sets both tokens to null)
    answer();
    await request;
    expect(store.getAccessToken()).toBeNull();
    expect(store.getRefreshToken()).toBeNull();
  });

  it("does not replace bob's session with alice's when alice's refresh answers after bob logged in", async () => {
    const { store, request, answer } = await aliceRefreshing();
    store.clear(); // alice logs out ...
    store.setTokens({ accessToken: 'bob-1', refreshToken: 'bob-r1' }); // ... and bob logs in
    answer();
    await request;
    expect(store.getAccessToken()).toBe('bob-1');
    expect(store.getRefreshToken()).toBe('bob-r1');
  });
});

type SavedTokens = { access: string | null; refresh: string | null };

/**
 * The tabs of one browser, holding `saved` at first: each keeps the tokens in memory and saves
 * them to the storage all of them share, which `reload` reads again.
 */
function browserTabs(saved: SavedTokens) {
  const tab = (): TokenStore => {
    const memory = { ...saved };
    const save = (tokens: SavedTokens) => {
      Object.assign(memory, tokens);
      Object.assign(saved, tokens);
    };
    return {
      getAccessToken: () => memory.access,
      getRefreshToken: () => memory.refresh,
      setTokens: (t) => save({ access: t.accessToken, refresh: t.refreshToken }),
      clear: () => save({ access: null, refresh: null }),
      reload: () => Object.assign(memory, saved),
    };
  };
  return { saved, tab };
}

/**
 * Runs one task at a time, as the browser's Web Locks do for its tabs; `queued` resolves once a
 * task has had to wait for its turn.
 */
function oneAtATime() {
  let last: Promise<unknown> = Promise.resolve();
  let unfinished = 0;
  let waited!: () => void;
  const queued = new Promise<void>((resolve) => (waited = resolve));
  const lock = <T>(task: () => Promise<T>): Promise<T> => {
    if (unfinished++ > 0) waited();
    const turn = last.then(task).finally(() => (unfinished -= 1));
    last = turn.catch(() => undefined);
    return turn;
  };
  return { lock, queued };
}

describe('api-client: one member in two tabs sharing the storage', () => {
  const alice1 = token('alice', 'access-1');
  const alice2 = token('alice', 'access-2');
  const aliceR1 = token('alice', 'refresh-1');
  const aliceR2 = token('alice', 'refresh-2');
  const refused = { error: { code: 'REFRESH_TOKEN_INVALID', message: 'Log in again' } };
  const expired = { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } };

  /** The BFF: `refresh` answers the refresh tokens it is sent; alice2 is the live access token. */
  async function bff(refresh: (refreshToken: string, res: ServerResponse) => void) {
    const sent: { refreshes: string[]; authorizations: string[] } = {
      refreshes: [],
      authorizations: [],
    };
    const fake = await fakeBff((req, body, res) => {
      if (req.url === '/api/v1/auth/refresh') {
        const { refreshToken } = JSON.parse(body) as { refreshToken: string };
        sent.refreshes.push(refreshToken);
        return refresh(refreshToken, res);
      }
      sent.authorizations.push(req.headers.authorization ?? '');
      if (req.headers.authorization === `Bearer ${alice2}`) return json(res, 200, me);
      json(res, 401, expired);
    });
    server = fake.server;
    return { url: fake.url, sent };
  }

  it('goes on with the session another tab renewed, rather than refresh its used-up token', async () => {
    const { url, sent } = await bff((refreshToken, res) =>
      // As the BFF does, each refresh token works once.
      sent.refreshes.indexOf(refreshToken) === sent.refreshes.length - 1
        ? json(res, 200, { accessToken: alice2, refreshToken: aliceR2 })
        : json(res, 401, refused),
    );
    const tabs = browserTabs({ access: alice1, refresh: aliceR1 });
    const [first, second] = [tabs.tab(), tabs.tab()];
    const onSessionExpired = jest.fn();
    const open = (tab: TokenStore) =>
      createApiClient({ baseURL: url, tokenStore: tab, onSessionExpired });
    expect(await open(first).me.get()).toEqual(me);
    expect(await open(second).me.get()).toEqual(me);
    expect(sent.refreshes).toEqual([aliceR1]);
    expect(second.getAccessToken()).toBe(alice2);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('goes on with the session another tab renewed while its own refresh of the same token was out', async () => {
    const tabs = browserTabs({ access: alice1, refresh: aliceR1 });
    const [first, second] = [tabs.tab(), tabs.tab()];
    const { url, sent } = await bff((_refreshToken, res) => {
      // The first tab's refresh of the same token came first: its answer is saved meanwhile.
      first.setTokens({ accessToken: alice2, refreshToken: aliceR2 });
      json(res, 401, refused);
    });
    const onSessionExpired = jest.fn();
    const client = createApiClient({ baseURL: url, tokenStore: second, onSessionExpired });
    expect(await client.me.get()).toEqual(me);
    expect(sent.refreshes).toEqual([aliceR1]);
    expect(second.getRefreshToken()).toBe(aliceR2);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('ends the session in every tab when its refresh is refused and no tab renewed it', async () => {
    const { url } = await bff((_refreshToken, res) => json(res, 401, refused));
    const tabs = browserTabs({ access: alice1, refresh: aliceR1 });
    const onSessionExpired = jest.fn();
    const client = createApiClient({ baseURL: url, tokenStore: tabs.tab(), onSessionExpired });
    await expect(client.me.get()).rejects.toMatchObject({ code: ErrorCode.RefreshTokenInvalid });
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(tabs.saved).toEqual({ access: null, refresh: null });
  });

  it('does not undo a log-out in another tab with a refresh that was out meanwhile', async () => {
    const tabs = browserTabs({ access: alice1, refresh: aliceR1 });
    const [first, second] = [tabs.tab(), tabs.tab()];
    const { url } = await bff((_refreshToken, res) => {
      first.clear(); // alice logs out in the first tab while the second tab's refresh is out
      json(res, 200, { accessToken: alice2, refreshToken: aliceR2 });
    });
    const client = createApiClient({ baseURL: url, tokenStore: second });
    await expect(client.me.get()).rejects.toMatchObject({ code: ErrorCode.AuthRequired });
    expect(tabs.saved).toEqual({ access: null, refresh: null });
  });

  it('lets one tab refresh at a time: tabs that find the session expired together both go on with it', async () => {
    const tabs = browserTabs({ access: alice1, refresh: aliceR1 });
    const [first, second] = [tabs.tab(), tabs.tab()];
    let answerFirst!: () => void;
    let arrived!: () => void;
    const firstOut = new Promise<void>((resolve) => (arrived = resolve));
    const { url, sent } = await bff((_refreshToken, res) => {
      // As the BFF does, the refresh token works once: for the first tab's refresh.
      if (sent.refreshes.length > 1) return json(res, 401, refused);
      answerFirst = () => json(res, 200, { accessToken: alice2, refreshToken: aliceR2 });
      arrived();
    });
    const { lock, queued } = oneAtATime();
    const onSessionExpired = jest.fn();
    const open = (tab: TokenStore) =>
      createApiClient({ baseURL: url, tokenStore: tab, onSessionExpired, refreshLock: lock });
    const firstRequest = open(first).me.get();
    await firstOut;
    const secondRequest = open(second)
      .me.get()
      .catch((error: unknown) => error);
    // The first tab's refresh is answered once the second tab waits for its turn, or gave up.
    await Promise.race([queued, secondRequest]);
    answerFirst();
    expect(await firstRequest).toEqual(me);
    expect(await secondRequest).toEqual(me);
    expect(sent.refreshes).toEqual([aliceR1]);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it("never sends one member's request with, nor replaces, the session another member started in another tab", async () => {
    const bob1 = token('bob', 'access-1');
    const bobR1 = token('bob', 'refresh-1');
    const { url, sent } = await bff((_refreshToken, res) =>
      json(res, 200, { accessToken: alice2, refreshToken: aliceR2 }),
    );
    const tabs = browserTabs({ access: alice1, refresh: aliceR1 });
    const [first, second] = [tabs.tab(), tabs.tab()];
    const client = createApiClient({ baseURL: url, tokenStore: second });
    // In the first tab alice logs out, and bob logs in.
    first.clear();
    first.setTokens({ accessToken: bob1, refreshToken: bobR1 });
    await expect(client.me.get()).rejects.toMatchObject({ code: ErrorCode.AuthRequired });
    expect(sent.authorizations).toEqual([`Bearer ${alice1}`]);
    expect(tabs.saved).toEqual({ access: bob1, refresh: bobR1 });
  });
});
