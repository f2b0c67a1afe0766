import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchChromium } from './support/browser';
import { Stack, startStack } from './support/stack';

describe('journey: a neighbour logs in on 我的', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    // A phone-sized screen, as in WeChat.
    page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
  });
  afterEach(() => page.close());

  it('logs in with the dev provider and sees their nickname and tier, also after a reload', async () => {
    await page.goto(stack.h5Url);
    await page.getByText('我的', { exact: true }).last().click();
    await page.locator('.mine-name-input input').fill('xiaomei');
    await page.locator('.mine-login').click();
    await see(page.locator('.mine-nickname')).toHaveText('xiaomei');
    await see(page.locator('.mine-tier')).toHaveText('普通会员');
    await page.screenshot({ path: artifactPath('journey-mine-logged-in.png') });

    await page.reload();
    await see(page.locator('.mine-nickname')).toHaveText('xiaomei');
  });

  it('shows the member the BFF knows: the same name logs in to the same member', async () => {
    const res = await fetch(`${stack.bffUrl}/api/v1/auth/wechat-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'dev:xiaomei' }),
    });
    const { member } = await res.json();
    expect(member.nickname).toBe('xiaomei');
  });
});

/** Polls a locator until it matches, as a person would wait for the screen to settle. */
function see(locator: ReturnType<Page['locator']>) {
  return {
    async toHaveText(text: string, timeoutMs = 10_000) {
      await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
      const actual = (await locator.first().innerText()).trim();
      if (actual !== text) throw new Error(`expected "${text}", found "${actual}"`);
    },
  };
}
