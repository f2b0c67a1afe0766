import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchChromium } from './support/browser';
import { waitForText } from './support/screen';
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
    await waitForText(page.locator('.mine-nickname'), 'xiaomei');
    await waitForText(page.locator('.mine-tier'), '普通会员');
    await page.screenshot({ path: artifactPath('journey-mine-logged-in.png') });

    await page.reload();
    await waitForText(page.locator('.mine-nickname'), 'xiaomei');
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
