import { everyPage, Page } from './every-page';

/** A list of `rows` served `size` at a time, as a list route answers, counting the pages read. */
function servedInPages(rows: number[], size: number) {
  const asked: (string | undefined)[] = [];
  const read = async (cursor?: string): Promise<Page<number>> => {
    asked.push(cursor);
    const from = cursor ? Number(cursor) : 0;
    const to = from + size;
    return { items: rows.slice(from, to), nextCursor: to < rows.length ? String(to) : null };
  };
  return { read, asked };
}

describe('everyPage', () => {
  it('reads a list page after page, following each nextCursor to the end', async () => {
    const list = servedInPages([1, 2, 3, 4, 5], 2);
    expect(await everyPage(list.read)).toEqual([1, 2, 3, 4, 5]);
    expect(list.asked).toEqual([undefined, '2', '4']);
  });

  it('reads an empty list once', async () => {
    const list = servedInPages([], 2);
    expect(await everyPage(list.read)).toEqual([]);
    expect(list.asked).toEqual([undefined]);
  });

  it('stops after the pages it may read', async () => {
    const list = servedInPages([1, 2, 3, 4, 5], 2);
    expect(await everyPage(list.read, 2)).toEqual([1, 2, 3, 4]);
    expect(list.asked).toHaveLength(2);
  });

  it('fails as the page that failed', async () => {
    const boom = new Error('offline');
    let calls = 0;
    const read = async (): Promise<Page<number>> => {
      calls += 1;
      if (calls === 2) throw boom;
      return { items: [calls], nextCursor: 'more' };
    };
    await expect(everyPage(read)).rejects.toBe(boom);
  });
});
