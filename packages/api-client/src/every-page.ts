/** A page of a cursor-paginated list, as every list route answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The rows of a list read page after page until its end, or until `maxPages` have been read:
 * for the short lists a screen shows whole (a member's coupons, the rewards on offer).
 */
export async function everyPage<T>(
  read: (cursor?: string) => Promise<Page<T>>,
  maxPages = 10,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await read(cursor);
    rows.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return rows;
}
