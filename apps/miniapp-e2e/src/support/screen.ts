import type { Locator, Page } from 'playwright-core';
import { artifactPath } from './browser';

/** Waits until a locator shows the text, as a person would wait for the screen to settle. */
export async function waitForText(
  locator: Locator,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const actual = (await locator.filter({ hasText: text }).first().innerText()).trim();
  if (actual !== text) throw new Error(`expected "${text}", found "${actual}"`);
}

/**
 * Waits until page transitions have finished: the top page the router shows is in place
 * (stationed, and so shown: it takes taps), and nothing moves.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const shown = Array.from(document.querySelectorAll('.taro_router > .taro_page')).filter(
      (el) => !el.classList.contains('taro_page_shade'),
    );
    const top = shown[shown.length - 1];
    return (
      (!top || top.classList.contains('taro_page_stationed')) &&
      document.getAnimations().every((animation) => animation.playState !== 'running')
    );
  });
}

/** Saves what the screen shows once page transitions have finished, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await settled(page);
  await page.screenshot({ path: artifactPath(name), fullPage: true });
}

/** Waits until a picture has been fetched and drawn, as a person would see it. */
export async function expectPicture(image: Locator, timeoutMs = 10_000): Promise<void> {
  await image.waitFor({ state: 'visible', timeout: timeoutMs });
  await image.evaluate(
    (element: HTMLImageElement, waitMs) =>
      new Promise<void>((resolve, reject) => {
        const drawn = () => element.complete && element.naturalWidth > 0;
        const timer = setTimeout(
          () => reject(new Error(`picture ${element.src} not shown`)),
          waitMs,
        );
        const check = () => {
          if (!drawn()) return;
          clearTimeout(timer);
          resolve();
        };
        element.addEventListener('load', check);
        check();
      }),
    timeoutMs,
  );
}
