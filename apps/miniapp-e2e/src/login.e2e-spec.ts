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

  it('ends the session at the BFF on 退出登录: the refresh token left on the phone is refused', async () => {
    await logInAs(page, journey.stack, 'xiaolin');
    // Taro keeps { data } in localStorage; the auth store's data is its own JSON.
    const stored = await page.evaluate(() => localStorage.getItem('linli-auth'));
    const { data } = JSON.parse(stored ?? '{}') as { data: string };
    const { refreshToken } = (JSON.parse(data) as { state: { refreshToken: string } }).state;
    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout'));
    await page.locator('.mine-logout').click();
    expect((await loggedOut).status()).toBe(204);
    await page.locator('.mine-login').waitFor();
    const refresh = await fetch(`${journey.stack.bffUrl}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });
});
