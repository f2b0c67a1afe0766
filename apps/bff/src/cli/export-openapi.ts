import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { applyRoutePrefix } from '../create-app';
import { buildOpenApiDocument } from '../openapi';

/** The OpenAPI document as committed in packages/api-contract: stable text, no database needed. */
export async function exportOpenApi(): Promise<string> {
  const config = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    DATABASE_URL: 'postgres://unused/unused',
  };
  // Preview mode wires the modules without instantiating providers, so nothing connects.
  const app = await NestFactory.create(AppModule.register(config), {
    preview: true,
    logger: false,
  });
  applyRoutePrefix(app);
  const document = buildOpenApiDocument(app);
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (require.main === module) {
  const [target] = process.argv.slice(2);
  exportOpenApi()
    .then((text) => (target ? writeFileSync(target, text) : process.stdout.write(text)))
    .catch((error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    });
}
