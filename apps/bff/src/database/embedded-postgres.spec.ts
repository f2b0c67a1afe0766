import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

describe('embedded PostgreSQL', () => {
  it('says which port is taken instead of failing without a word', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as { port: number };
    const dir = await mkdtemp(join(tmpdir(), 'linli-embedded-spec-'));
    try {
      await expect(startEmbeddedPostgres({ dir: join(dir, 'postgres'), port })).rejects.toThrow(
        `Port ${port} is taken`,
      );
    } finally {
      other.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
