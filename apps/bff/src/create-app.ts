import {
  INestApplication,
  RequestMethod,
  Type,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { ErrorCode } from '@linli/shared';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { AppException } from './common/errors/app-exception';
import { ErrorFilter } from './common/errors/error-filter';
import { RefuseNulCharacters } from './common/text-fields';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { bindToMutatingRoutes } from './common/transaction/mutating-routes';
import { TransactionInterceptor } from './common/transaction/transaction.interceptor';
import { AppConfig, trustProxySetting } from './config/app-config';
import { seedDemoDelivery } from './database/demo-delivery';
import { seedDemo } from './database/demo-seed';
import { runMigrations } from './database/migrate';
import { buildOpenApiDocument } from './openapi';

function fieldErrors(errors: ValidationError[], parent = ''): Record<string, string[]> {
  return errors.reduce<Record<string, string[]>>((fields, error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    return { ...fields, ...fieldErrors(error.children ?? [], path) };
  }, {});
}

export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) =>
    new AppException(400, ErrorCode.ValidationFailed, 'The request is not valid', {
      fields: fieldErrors(errors),
    }),
});

/** Every route lives under /api/v1 but the health check, which load balancers probe at /api/health. */
export function applyRoutePrefix(app: INestApplication): void {
  app.setGlobalPrefix('api/v1', { exclude: [{ path: 'api/health', method: RequestMethod.GET }] });
}

/**
 * Connections waiting to be accepted: a burst of clients (a flash sale opening) connects faster
 * than a busy event loop accepts, and beyond Node's default of 511 the kernel drops connection
 * attempts, or resets connections it had taken up, whose requests then fail.
 */
const LISTEN_BACKLOG = 4096;

/** Listens on the port and address, as main.ts and the e2e tests both do. */
export async function listen(app: INestApplication, port: number, host: string): Promise<void> {
  // Nest hands its arguments on to http.Server#listen(port, host, backlog).
  const listenWithBacklog = app.listen.bind(app) as (...args: unknown[]) => Promise<unknown>;
  await listenWithBacklog(port, host, LISTEN_BACKLOG);
}

/**
 * Builds the whole BFF on a database: migrations applied, the demo seeded when asked,
 * every global concern in place. main.ts and the e2e tests both start it this way.
 */
export async function createApp(
  config: AppConfig & { DATABASE_URL: string },
  extraModules: Type[] = [],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, extraModules),
    {
      bufferLogs: true,
      abortOnError: false,
      // Payment notifications are verified against the exact bytes that were signed.
      rawBody: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  const strictHelmet = helmet();
  // Swagger UI needs inline scripts and styles; every other route gets the strict policy.
  const docsHelmet = helmet({ contentSecurityPolicy: false });
  app.use((req: { path: string }, res: unknown, next: () => void) =>
    (req.path.startsWith('/api/docs') ? docsHelmet : strictHelmet)(
      req as never,
      res as never,
      next,
    ),
  );
  applyRoutePrefix(app);
  app.useGlobalPipes(new RefuseNulCharacters(), validationPipe);
  app.useGlobalFilters(new ErrorFilter());
  // Order matters: the idempotency record is written inside the request's transaction.
  bindToMutatingRoutes(app.get(DiscoveryService), app.get(MetadataScanner), [
    app.get(TransactionInterceptor),
    app.get(IdempotencyInterceptor),
  ]);
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });

  const dataSource = app.get(DataSource);
  await runMigrations(dataSource);
  if (config.DEMO_SEED) await seedDemo(dataSource, config);
  await app.init();
  if (config.DEMO_SEED) await seedDemoDelivery(app);
  return app;
}
