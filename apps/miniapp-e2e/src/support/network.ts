import type { Page } from 'playwright-core';

/**
 * Holds back the answer to the next request for `pathname` (the BFF has answered it) until the
 * returned function lets it through, as a slow network would; later requests go through at once.
 */
export async function holdNextAnswer(page: Page, pathname: string): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  await page.route(
    (url) => url.pathname === pathname,
    async (route) => {
      if (held) return route.continue();
      held = true;
      const answer = await route.fetch();
      await released;
      await route.fulfill({ response: answer }).catch(() => undefined);
    },
  );
  return release;
}
