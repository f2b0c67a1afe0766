import type { Page } from 'playwright-core';
import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';

describe('journey: a neighbour logs in on 我的', () => {
  const journey = useJourney();
  let page: Page;

  beforeEach(async () => {
    page = await journey.newPage();
  });
  afterEach(() => page.close());

  it('logs in with the dev provider and sees their nickname and tier, also after a reload', async () => {
    await logInAs(page, journey.stack, 'xiaomei');
    await waitForText(page.locator('.mine-tier'), '普通会员');
    await screenshot(page, 'journey-mine-logged-in.png');

    await page.reload();
    await waitForText(page.locator('.mine-nickname'), 'xiaomei');
  });

  it('shows the member the BFF knows: the same name logs in to the same member', async () => {
    const res = await fetch(`${journey.stack.bffUrl}/api/v1/auth/wechat-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'dev:xiaomei' }),
    });
    const { member } = await res.json();
    expect(member.nickname).toBe('xiaomei');
  });
});
