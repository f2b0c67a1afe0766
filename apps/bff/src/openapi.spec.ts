import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportOpenApi } from './cli/export-openapi';

const root = resolve(__dirname, '../../..');
const contract = join(root, 'packages/api-contract');
const regenerate = 'run `npx nx run api-contract:generate` and commit the result';

describe('the committed API contract', () => {
  let document: string;
  beforeAll(async () => {
    document = await exportOpenApi();
  });

  it(`matches the BFF's OpenAPI document (else ${regenerate})`, () => {
    expect(readFileSync(join(contract, 'openapi.json'), 'utf8')).toBe(document);
  });

  it(`has types generated from that document (else ${regenerate})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-contract-'));
    writeFileSync(join(dir, 'openapi.json'), document);
    execFileSync(
      join(root, 'node_modules/.bin/openapi-typescript'),
      [join(dir, 'openapi.json'), '-o', join(dir, 'openapi.ts')],
      {
        stdio: 'pipe',
      },
    );
    const generated = readFileSync(join(dir, 'openapi.ts'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    expect(readFileSync(join(contract, 'src/generated/openapi.ts'), 'utf8')).toBe(generated);
  });

  it('documents every route clients rely on', () => {
    const paths = Object.keys(JSON.parse(document).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/v1/auth/wechat-login',
        '/api/v1/auth/refresh',
        '/api/v1/admin/auth/login',
        '/api/v1/me',
      ]),
    );
  });
});
