import { useAuthStore } from './auth-store';

/**
 * Runs reset whenever the member behind the session changes (log-out, session expiry, another
 * member logs in): nothing one member loaded may be shown to the next.
 */
export function resetOnMemberChange(reset: () => void): void {
  useAuthStore.subscribe((state, previous) => {
    if (state.member?.id !== previous.member?.id || (previous.accessToken && !state.accessToken))
      reset();
  });
}
