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
  const load = async () => {
    setLoading(true);
    try {
      setData(await fetch());
      setError(null);
    } catch (cause) {
      setError(messageFor(cause, failure));
    } finally {
      setLoading(false);
    }
  };
  useDidShow(() => {
    if (enabled) void load();
  });
  return { data, error, setError, loading, load };
}
