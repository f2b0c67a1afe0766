import jwt from 'jsonwebtoken';
import { ApiError, createApiClient, TokenStore } from '@linli/api-client';
import { ErrorCode } from '@linli/shared';
import { startTestApp, TestApp } from './support/test-app';

function memoryStore(): TokenStore {
  let tokens: { accessToken: string; refreshToken: string } | null = null;
  return {
    getAccessToken: () => tokens?.accessToken ?? null,
    getRefreshToken: () => tokens?.refreshToken ?? null,
    setTokens: (next) => (tokens = next),
    clear: () => (tokens = null),
  };
}

describe('the typed api-client against the real BFF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('logs in, reads /me, and refreshes an expired access token once for concurrent calls', async () => {
    const store = memoryStore();
    const client = createApiClient({ baseURL: `${t.baseUrl}/api/v1`, tokenStore: store });
    const login = await client.auth.wechatLogin({ code: 'dev:client-user' });
    expect((await client.me.get()).nickname).toBe('client-user');

    const expired = jwt.sign(
      {
        sub: login.member.id,
        kind: 'member',
        roles: ['shopper'],
        typ: 'access',
        exp: Math.floor(Date.now() / 1000) - 5,
      },
      t.config.JWT_ACCESS_SECRET,
    );
    store.setTokens({ accessToken: expired, refreshToken: store.getRefreshToken()! });
    const results = await Promise.all(Array.from({ length: 5 }, () => client.me.get()));
    expect(results.map((r) => r.id)).toEqual(Array(5).fill(login.member.id));
    const [{ used }] = await t.dataSource.query(
      `SELECT count(*)::int AS used FROM refresh_tokens WHERE member_id = $1 AND used_at IS NOT NULL`,
      [login.member.id],
    );
    expect(used).toBe(1);
  });

  it('surfaces BFF error codes as ApiError', async () => {
    const client = createApiClient({ baseURL: `${t.baseUrl}/api/v1`, tokenStore: memoryStore() });
    const error = await client.me.get().catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: ErrorCode.AuthRequired, status: 401 });
  });
});
