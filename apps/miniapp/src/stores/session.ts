import { useAuthStore } from './auth-store';

type AuthState = ReturnType<typeof useAuthStore.getState>;

/** Log-out, session expiry, another member logging in: the member behind the session changed. */
const memberChanged = (state: AuthState, previous: AuthState) =>
  state.member?.id !== previous.member?.id || Boolean(previous.accessToken && !state.accessToken);

let session = 0;
let watching = false;

/** Counts member changes; started lazily, as the auth store and the API client load each other. */
function watchMembers(): void {
  if (watching) return;
  watching = true;
  useAuthStore.subscribe((state, previous) => {
    if (memberChanged(state, previous)) session += 1;
  });
}

/** Which member session this is: it changes whenever the member does. */
export function currentSession(): number {
  watchMembers();
  return session;
}

/**
 * Runs reset whenever the member behind the session changes: nothing one member loaded may be
 * shown to the next.
 */
export function resetOnMemberChange(reset: () => void): () => void {
  watchMembers();
  return useAuthStore.subscribe((state, previous) => {
    if (memberChanged(state, previous)) reset();
  });
}
