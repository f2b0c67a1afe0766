import { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { messageFor } from '../services/error-messages';

/**
 * What a page loads each time it is shown (when `enabled`): the data once it has come, why the
 * last load failed, whether one is under way, and `load` to load again (after a change, or 重试).
 */
export function useLoaded<T>(fetch: () => Promise<T>, failure: string, enabled = true) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  /** Loads again; resolves with what came, or null when the load failed. */
  const load = async (): Promise<T | null> => {
    setLoading(true);
    try {
      const loaded = await fetch();
      setData(loaded);
      setError(null);
      return loaded;
    } catch (cause) {
      setError(messageFor(cause, failure));
      return null;
    } finally {
      setLoading(false);
    }
  };
  useDidShow(() => {
    if (enabled) void load();
  });
  return { data, error, setError, loading, load };
}
