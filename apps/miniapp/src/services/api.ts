import { createApiClient, type TokenStore } from '@linli/api-client';
import { useAuthStore } from '../stores/auth-store';
import { currentSession } from '../stores/session';
import { heardServerTime } from './server-clock';
import { taroAdapter } from './taro-adapter';

// In H5 the tabs of a browser share the storage, and the session in it; WeChat runs the app once.
const browserTabs = process.env.TARO_ENV === 'h5';

// Tokens live in the persisted auth store; the client reads them at request time.
const tokenStore: TokenStore = {
  getAccessToken: () => useAuthStore.getState().accessToken,
  getRefreshToken: () => useAuthStore.getState().refreshToken,
  setTokens: ({ accessToken, refreshToken }) =>
    useAuthStore.setState({ accessToken, refreshToken }),
  clear: () => useAuthStore.setState({ accessToken: null, refreshToken: null }),
  reload: browserTabs ? () => void useAuthStore.persist.rehydrate() : undefined,
};

const never = new Promise<never>(() => undefined);

/**
 * The client, with the answers that arrive after the member changed (log-out, another member
 * logging in) dropped: their promises never settle, so no store puts what one member asked
 * for, or its error, in front of the next.
 */
function forCurrentMember<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          const asked = currentSession();
          const result: unknown = value.apply(object, args);
          if (!(result instanceof Promise)) return result;
          return result.then(
            (answer) => (asked === currentSession() ? answer : never),
            (error: unknown) => (asked === currentSession() ? Promise.reject(error) : never),
          );
        };
      }
      return value !== null && typeof value === 'object' ? forCurrentMember(value) : value;
    },
  });
}

/** The one BFF client of the mini-program; stores call it, pages never do. */
export const api = forCurrentMember(
  createApiClient({
    baseURL: process.env.TARO_APP_API_BASE || '/api/v1',
    adapter: taroAdapter,
    tokenStore,
    onSessionExpired: () => useAuthStore.getState().logout(),
    onServerTime: heardServerTime,
    // Web Locks, where the browser has them (secure pages), let tabs renew the session in turn.
    refreshLock:
      browserTabs && 'locks' in navigator
        ? async (refresh) => navigator.locks.request('linli-refresh', refresh)
        : undefined,
  }),
);
