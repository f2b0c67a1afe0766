import type { AxiosAdapter } from 'axios';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@linli/api-contract';
import { ApiError } from './api-error';
import { createApiClient, TokenStore } from './api-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function fakeBff(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, server };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

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
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  it('shares one refresh among many requests that found the token expired', async () => {
    const refreshes: unknown[] = [];
    const fake = await fakeBff((req, body, res) => {
      if (req.url === '/api/v1/auth/refresh') {
        refreshes.push(JSON.parse(body));
        // Answer slowly, so that most requests are waiting on the same refresh.
        return void setTimeout(
          () => json(res, 200, { accessToken: 'fresh', refreshToken: 'refresh-2' }),
          50,
        );
      }
      if (req.headers.authorization === 'Bearer fresh') return json(res, 200, me);
      json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
    });
    server = fake.server;
    const store = memoryStore('stale', 'refresh-1');
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
        json(res, 200, { accessToken: 'fresh', refreshToken: 'refresh-2' });
        return refreshAnswered();
      }
      if (req.headers.authorization === 'Bearer fresh') return json(res, 200, me);
      const expired = () =>
        json(res, 401, { error: { code: 'AUTH_TOKEN_EXPIRED', message: 'expired' } });
      // The second stale request is refused only once the first one's refresh is done.
      staleRequests += 1;
      if (staleRequests === 1) expired();
      else void answered.then(() => setTimeout(expired, 20));
    });
    server = fake.server;
    const store = memoryStore('stale', 'refresh-1');
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
});

describe('api-client: a refresh that fails or outlives its session', () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

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
