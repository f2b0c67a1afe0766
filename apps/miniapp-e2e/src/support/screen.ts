import type { Locator } from 'playwright-core';

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
