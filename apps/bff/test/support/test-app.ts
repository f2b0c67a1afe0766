import type { Type } from '@nestjs/common';
import { addBusinessDays, businessDay, startOfBusinessDay } from '@linli/domain';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createApp, listen } from '../../src/create-app';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' };

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  database: TestDatabase;
  baseUrl: string;
  /** supertest bound to the listening server: requests go over real HTTP. */
  http: () => request.Agent;
  close(): Promise<void>;
}

/** Boots the real BFF on a fresh database and an ephemeral port. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { database?: TestDatabase; extraModules?: Type[] } = {},
): Promise<TestApp> {
  const { database, extraModules = [] } = options;
  const db = database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_DEV_LOGIN: 'true',
    JOBS_ENABLED: 'false',
    LOGIN_RATE_LIMIT: '1000',
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    DATABASE_URL: db.url,
    ...env,
  });
  const app = await createApp(
    { ...config, DATABASE_URL: config.DATABASE_URL ?? db.url },
    extraModules,
  );
  await listen(app, 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    database: db,
    baseUrl,
    http: () => request.agent(baseUrl),
    close: async () => {
      await app.close();
      if (!database) await db.drop();
    },
  };
}

export async function loginMember(t: TestApp, name: string) {
  const res = await t
    .http()
    .post('/api/v1/auth/wechat-login')
    .send({ code: `dev:${name}` })
    .expect(200);
  return res.body as {
    accessToken: string;
    refreshToken: string;
    member: { id: string; nickname: string; tier: string };
  };
}

export async function loginAdmin(t: TestApp): Promise<string> {
  const res = await t.http().post('/api/v1/admin/auth/login').send(TEST_ADMIN).expect(200);
  return res.body.accessToken;
}

/**
 * Moves the app's clock on to 10:00 in Shanghai tomorrow, so that a spec counting business
 * days never runs across a midnight of its own; answers the clock, for moving it on.
 */
export function startOfMorning(t: TestApp): Clock {
  const clock = t.app.get(Clock);
  const tomorrow = startOfBusinessDay(addBusinessDays(businessDay(clock.now()), 1));
  clock.advance(tomorrow.getTime() + 10 * 3_600_000 - clock.now().getTime());
  return clock;
}
