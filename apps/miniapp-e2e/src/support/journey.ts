import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { waitForText } from './screen';
import { Stack, startStack } from './stack';

export interface Journey {
  stack: Stack;
  browser: Browser;
  /** A new phone-sized page, as WeChat shows the mini-program. */
  newPage(): Promise<Page>;
  /** Two phone-sized tabs of one browser: they share its storage, as a member's H5 tabs do. */
  newTabs(): Promise<[Page, Page]>;
}

const PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 };

/**
 * Starts the stack (its BFF with `env` added) and a browser for the journeys of one file, and
 * stops both after them.
 */
export function useJourney(env: Record<string, string> = {}): Journey {
  const journey = {} as Journey;
  beforeAll(async () => {
    journey.stack = await startStack(env);
    journey.browser = await launchChromium();
    journey.newPage = () => journey.browser.newPage(PHONE);
    journey.newTabs = async () => {
      const context = await journey.browser.newContext(PHONE);
      return [await context.newPage(), await context.newPage()];
    };
  });
  afterAll(async () => {
    await journey.browser?.close();
    await journey.stack?.stop();
  });
  return journey;
}

/** Opens the app, goes to 我的 and logs in by name, as a neighbour does in the demo. */
export async function logInAs(page: Page, stack: Stack, name: string): Promise<void> {
  await page.goto(stack.h5Url);
  await logInInPlace(page, name);
}

/** Logs in on 我的 without reloading the page: the same app session, as on a shared phone. */
export async function logInInPlace(page: Page, name: string): Promise<void> {
  await page.getByText('我的', { exact: true }).last().click();
  await page.locator('.mine-name-input input').fill(name);
  await page.locator('.mine-login').click();
  await waitForText(page.locator('.mine-nickname'), name);
}

/**
 * Opens 我的 afresh, as from the tab bar. After 返回 a page takes taps again only once it is
 * shown again (useOpenPage drops them until then), which a busy machine may not have done yet
 * when the journey taps; a fresh 我的 takes them at once.
 */
export async function openMine(page: Page, stack: Stack): Promise<void> {
  await page.goto(`${stack.h5Url}/#/pages/mine/index`);
}
