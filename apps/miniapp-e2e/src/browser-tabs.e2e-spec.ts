import type { Page } from 'playwright-core';
import { logInAs, logInInPlace, useJourney } from './support/journey';
import { waitForText } from './support/screen';
import { createCoupon } from './support/group-buys';
import { member, operator, type Stack } from './support/stack';

/** Taps a tab of the tab bar. */
const open = (page: Page, tab: '会员' | '我的') =>
  page.getByText(tab, { exact: true }).last().click();

/** Waits, asking the BFF every half second, until the access tokens `name` holds have expired. */
async function accessTokensExpired(stack: Stack, name: string): Promise<void> {
  // Issued after theirs with the same lifetime, this one expires last.
  const { auth } = await member(stack, name);
  for (let attempt = 0; attempt < 60; attempt++) {
    const expired = await stack.api('GET', '/me', undefined, auth).then(
      () => false,
      (error: Error) => {
        if (error.message.includes('AUTH_TOKEN_EXPIRED')) return true;
        throw error;
      },
    );
    if (expired) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the access tokens of ${name} did not expire`);
}

describe('journey: one member in two tabs of a browser', () => {
  // Access tokens expire after 10 seconds, so that a journey sees its tabs refresh them.
  const journey = useJourney({ JWT_ACCESS_TTL_SECONDS: '10' });

  it('keeps the member logged in in both tabs when one tab has renewed their session', async () => {
    const { stack } = journey;
    const [first, second] = await journey.newTabs();
    await logInAs(first, stack, 'lily');
    await second.goto(stack.h5Url);
    await open(second, '我的');
    await waitForText(second.locator('.mine-nickname'), 'lily');

    // The session outlives its access token: the first tab renews it, and the refresh token both
    // tabs were given is used up.
    await accessTokensExpired(stack, 'lily');
    const renewed = first.waitForResponse((res) => res.url().endsWith('/api/v1/auth/refresh'));
    await open(first, '会员');
    await waitForText(first.locator('.member-card__tier'), '普通会员');
    expect((await renewed).status()).toBe(200);

    // The second tab goes on with the renewed session, and the first is still logged in.
    await open(second, '会员');
    await waitForText(second.locator('.member-card__tier'), '普通会员');
    await open(second, '我的');
    await waitForText(second.locator('.mine-nickname'), 'lily');
    await open(first, '我的');
    await waitForText(first.locator('.mine-nickname'), 'lily');
  });

  it('keeps the member logged in in both tabs when both find their session expired at once', async () => {
    const { stack } = journey;
    const [first, second] = await journey.newTabs();
    await logInAs(first, stack, 'ivy');
    await second.goto(stack.h5Url);
    await open(second, '我的');
    await waitForText(second.locator('.mine-nickname'), 'ivy');
    await accessTokensExpired(stack, 'ivy');

    // The first tab's refresh reaches the BFF, and its answer is slow to come back.
    let reached!: () => void;
    const refreshReached = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await first.route(
      (url) => url.pathname.endsWith('/api/v1/auth/refresh'),
      async (route) => {
        const response = await route.fetch();
        reached();
        await released;
        await route.fulfill({ response });
      },
    );
    await open(first, '会员');
    await refreshReached;
    // Meanwhile the second tab needs the session too: the answer comes once it waits for its
    // turn, or has been logged out.
    await open(second, '会员');
    await second.waitForFunction(
      async () =>
        document.querySelector('.placeholder__title') !== null ||
        ((await navigator.locks.query()).pending ?? []).length > 0,
      undefined,
      { polling: 100 },
    );
    release();

    await waitForText(first.locator('.member-card__tier'), '普通会员');
    await waitForText(second.locator('.member-card__tier'), '普通会员');
    await open(first, '我的');
    await waitForText(first.locator('.mine-nickname'), 'ivy');
  });

  it('logs the member out in every tab when they log out in one, and in the next member', async () => {
    const { stack } = journey;
    const [first, second] = await journey.newTabs();
    await logInAs(first, stack, 'rose');
    await second.goto(stack.h5Url);
    await open(second, '会员');
    await waitForText(second.locator('.member-card__tier'), '普通会员');

    await open(first, '我的');
    await first.locator('.mine-logout').click();
    await waitForText(second.locator('.placeholder__title'), '登录后查看会员卡');

    await logInInPlace(first, 'tom');
    await open(second, '我的');
    await waitForText(second.locator('.mine-nickname'), 'tom');
  });

  it('shows the next member nothing of the last one in a tab left on one of their pages, though it cannot load again', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const couponId = await createCoupon(stack, admin, {
      name: '梅姐的生日券',
      amountFen: 800,
      minSpendFen: 0,
    });
    const mei = await member(stack, 'meijie');
    await stack.api(
      'POST',
      `/admin/coupons/${couponId}/issue`,
      { memberIds: [mei.id] },
      { ...admin, 'idempotency-key': 'journey-tabs-coupon' },
    );
    const [first, second] = await journey.newTabs();
    await logInAs(first, stack, 'meijie');
    await second.goto(`${stack.h5Url}/#/subpackages/member/coupons/index`);
    await waitForText(second.locator('.coupon__name'), '梅姐的生日券');
    // The second tab cannot read coupons any more (a lift, a tunnel).
    await second.route(
      (url) => url.pathname === '/api/v1/me/coupons',
      (route) => route.abort('internetdisconnected'),
    );

    await open(first, '我的');
    await first.locator('.mine-logout').click();
    await logInInPlace(first, 'xiaojun');
    await second.getByText('梅姐的生日券').waitFor({ state: 'detached' });
  });
});
