import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from './app-config';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/linli',
  JWT_ACCESS_SECRET: 'a'.repeat(40),
  JWT_REFRESH_SECRET: 'b'.repeat(40),
  MEMBER_CODE_SECRET: 'c'.repeat(40),
  PAYMENT_PROVIDER: 'wechat',
  NOTIFICATION_PROVIDER: 'wechat',
  PUBLIC_BASE_URL: 'https://api.linli.example',
};

describe('configuration', () => {
  it('starts with safe defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      AUTH_DEV_LOGIN: false,
      JOBS_ENABLED: true,
      LOGIN_RATE_LIMIT: 20,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads numbers and switches from text', () => {
    const config = loadConfig({
      PORT: '8080',
      AUTH_DEV_LOGIN: 'true',
      JOBS_ENABLED: 'false',
      REDIS_URL: 'redis://r:6379',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      AUTH_DEV_LOGIN: true,
      JOBS_ENABLED: false,
      REDIS_URL: 'redis://r:6379',
    });
  });

  it('names every bad variable at once', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', JWT_ACCESS_SECRET: 'short', LOG_LEVEL: 'loud' }),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/PORT[\s\S]*JWT_ACCESS_SECRET[\s\S]*LOG_LEVEL/),
      }),
    );
  });

  it('refuses development shortcuts in production', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', AUTH_DEV_LOGIN: 'true' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('JWT_ACCESS_SECRET must be set');
    expect((error as Error).message).toContain('AUTH_DEV_LOGIN must be off in production');
    expect((error as Error).message).toContain('DATABASE_URL must be set in production');
    expect((error as Error).message).toContain('PUBLIC_BASE_URL must be set in production');
    expect((error as Error).message).toContain(
      'NOTIFICATION_PROVIDER must be wechat in production',
    );
  });

  it('refuses in production the placeholder secrets that .env.example shows to anyone', () => {
    const text = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
    const example = parseEnv(text) as Record<string, string>;
    const { JWT_ACCESS_SECRET, JWT_REFRESH_SECRET, MEMBER_CODE_SECRET } = example;
    let error: unknown;
    try {
      loadConfig({ ...PRODUCTION, JWT_ACCESS_SECRET, JWT_REFRESH_SECRET, MEMBER_CODE_SECRET });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['JWT_ACCESS_SECRET', 'JWT_REFRESH_SECRET', 'MEMBER_CODE_SECRET'])
      expect((error as Error).message).toContain(`${name} must be set`);
  });

  it('refuses to serve with the published secrets when NODE_ENV is forgotten on a database of its own', () => {
    const forgotten = { DATABASE_URL: 'postgres://db/linli' };
    expect(() => loadConfig(forgotten, { serving: true })).toThrow(
      /NODE_ENV is not set[\s\S]*JWT_ACCESS_SECRET must be set/,
    );
    // Tools (migrate, seed) sign nothing; a developer says so; the demo has no DATABASE_URL.
    expect(() => loadConfig(forgotten)).not.toThrow();
    expect(() =>
      loadConfig({ ...forgotten, NODE_ENV: 'development' }, { serving: true }),
    ).not.toThrow();
    expect(() => loadConfig({}, { serving: true })).not.toThrow();
    const { NODE_ENV, ...ownSecrets } = PRODUCTION;
    void NODE_ENV;
    expect(() =>
      loadConfig(
        {
          DATABASE_URL: ownSecrets.DATABASE_URL,
          JWT_ACCESS_SECRET: ownSecrets.JWT_ACCESS_SECRET,
          JWT_REFRESH_SECRET: ownSecrets.JWT_REFRESH_SECRET,
          MEMBER_CODE_SECRET: ownSecrets.MEMBER_CODE_SECRET,
        },
        { serving: true },
      ),
    ).not.toThrow();
  });

  it('refuses the demo seed in production, which opens an admin account with a published password', () => {
    expect(() => loadConfig({ ...PRODUCTION, DEMO_SEED: 'true' })).toThrow(
      'DEMO_SEED must be off in production',
    );
  });

  it('refuses the single WeChat Pay platform key of earlier versions, saying what to set instead', () => {
    expect(() =>
      loadConfig({ WECHATPAY_PLATFORM_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nMIIB…' }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration:\n  WECHATPAY_PLATFORM_PUBLIC_KEY is no longer read: set WECHATPAY_PLATFORM_PUBLIC_KEYS to {"<its Wechatpay-Serial>": "<its PEM>"}',
      ),
    );
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.NODE_ENV).toBe('production');
  });
});
