import { createApiClient, type TokenStore } from '@linli/api-client';
import { useAuthStore } from '../stores/auth-store';
import { taroAdapter } from './taro-adapter';

// Tokens live in the persisted auth store; the client reads them at request time.
const tokenStore: TokenStore = {
  getAccessToken: () => useAuthStore.getState().accessToken,
  getRefreshToken: () => useAuthStore.getState().refreshToken,
  setTokens: ({ accessToken, refreshToken }) =>
    useAuthStore.setState({ accessToken, refreshToken }),
  clear: () => useAuthStore.setState({ accessToken: null, refreshToken: null }),
};

/** The one BFF client of the mini-program; stores call it, pages never do. */
export const api = createApiClient({
  baseURL: process.env.TARO_APP_API_BASE || '/api/v1',
  adapter: taroAdapter,
  tokenStore,
  onSessionExpired: () => useAuthStore.getState().logout(),
});
