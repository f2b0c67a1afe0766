/** A list shown a page at a time: its rows so far and where the next page starts. */
export interface PagedList<T> {
  items: T[];
  /** Null once every row is shown. */
  nextCursor: string | null;
  loadingMore: boolean;
}

export function emptyList<T>(): PagedList<T> {
  return { items: [], nextCursor: null, loadingMore: false };
}

export interface ListReader {
  load(): Promise<void>;
  loadMore(): Promise<void>;
  /** Drops the pages still on their way, as the member changes. */
  reset(): void;
}

/**
 * Reads a list kept in a store: from its first page, then the next one each time the user
 * scrolls to its end. A page asked for before the list was read again from the start (or
 * `reset`) belongs to a list no longer on screen and is dropped. Failures are thrown to the
 * store, which says so its own way.
 */
export function pagedList<T>(
  read: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>,
  get: () => PagedList<T>,
  set: (list: PagedList<T>) => void,
): ListReader {
  let shown = 0;
  return {
    async load(): Promise<void> {
      const list = ++shown;
      // What is shown stays until the first page replaces it, but no older page joins it.
      set({ ...get(), nextCursor: null, loadingMore: false });
      const page = await read();
      if (list === shown)
        set({ items: page.items, nextCursor: page.nextCursor, loadingMore: false });
    },

    async loadMore(): Promise<void> {
      const { nextCursor, loadingMore } = get();
      if (!nextCursor || loadingMore) return;
      const list = shown;
      set({ ...get(), loadingMore: true });
      try {
        const page = await read(nextCursor);
        if (list !== shown) return;
        set({
          items: [...get().items, ...page.items],
          nextCursor: page.nextCursor,
          loadingMore: false,
        });
      } catch (error) {
        if (list !== shown) return;
        set({ ...get(), loadingMore: false });
        throw error;
      }
    },

    reset(): void {
      shown += 1;
    },
  };
}
