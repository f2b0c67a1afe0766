import { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { messageFor } from '../services/error-messages';
import { currentSession, resetOnMemberChange } from '../stores/session';

/**
 * What a page loads each time it is shown (when `enabled`): the data once it has come, why the
 * last load failed, whether one is under way, and `load` to load again (after a change, or 重试).
 */
export function useLoaded<T>(fetch: () => Promise<T>, failure: string, enabled = true) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // What one member loaded is never shown to the next (another tab may log someone else in).
  useEffect(
    () =>
      resetOnMemberChange(() => {
        setData(null);
        setError(null);
      }),
    [],
  );
  /** Loads again; resolves with what came, or null when the load failed or the member changed. */
  const load = async (): Promise<T | null> => {
    const session = currentSession();
    setLoading(true);
    try {
      const loaded = await fetch();
      if (session !== currentSession()) return null;
      setData(loaded);
      setError(null);
      return loaded;
    } catch (cause) {
      if (session === currentSession()) setError(messageFor(cause, failure));
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
