import type { Page } from 'playwright-core';
import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { pickupPoints, shopperAt } from './support/pickup-points';
import { liveGroupBuy } from './support/group-buys';
import { operator } from './support/stack';
import { holdNextAnswer } from './support/network';

/** The first time the page asks the BFF for `path` (and only then), the connection drops. */
async function dropFirst(page: Page, path: string): Promise<void> {
  let dropped = false;
  await page.route(
    (url) => url.pathname === `/api/v1${path}`,
    async (route) => {
      if (dropped || route.request().method() !== 'GET') return route.fallback();
      dropped = true;
      await route.abort('connectionreset');
    },
  );
}

describe('journey: a neighbour on a bad connection', () => {
  const journey = useJourney();

  it('sees a group-buy opened from 首页 count down from when 首页 read it, though its own page cannot load', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '留下', [
      { name: '留下自提点', address: '留下街 2 号', latitude: 30.2712, longitude: 120.0516 },
    ]);
    // It cuts off 24 hours from now.
    const campaign = await liveGroupBuy(stack, admin, {
      product: '西湖藕粉',
      sku: '500g',
      priceFen: 4_800,
      title: '西湖藕粉 团购',
      groupPriceFen: 3_900,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    await shopperAt(stack, 'xiaoliu', pointId);
    const page = await journey.newPage();
    await page.clock.install();
    await logInAs(page, stack, 'xiaoliu');
    await page.getByText('首页', { exact: true }).last().click();
    await page.locator('.campaign-card').filter({ hasText: '西湖藕粉 团购' }).waitFor();
    // Twenty minutes on 首页; then the group-buy's own read fails.
    await page.clock.fastForward('20:00');
    await page.route(
      (url) => url.pathname === `/api/v1/campaigns/${campaign.id}`,
      (route) => route.abort('connectionreset'),
    );
    await page.locator('.campaign-card__open').click();
    await waitForText(page.locator('.campaign-detail-title'), '西湖藕粉 团购');
    expect(await page.locator('.campaign-detail .campaign-countdown').innerText()).toMatch(
      /^距截团 23时(39|40)分$/,
    );
  });

  it('counts down a group-buy opened again from when it was read last, though its page cannot load again', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '闲林', [
      { name: '闲林自提点', address: '闲林街 5 号', latitude: 30.2612, longitude: 120.0416 },
    ]);
    // It cuts off 24 hours from now.
    const campaign = await liveGroupBuy(stack, admin, {
      product: '径山茶',
      sku: '250g',
      priceFen: 8_800,
      title: '径山茶 团购',
      groupPriceFen: 6_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    await shopperAt(stack, 'xianlinwang', pointId);
    const page = await journey.newPage();
    await page.clock.install();
    await logInAs(page, stack, 'xianlinwang');
    await page.getByText('首页', { exact: true }).last().click();
    const card = page.locator('.campaign-card').filter({ hasText: '径山茶 团购' });
    const read = page.waitForResponse(
      (response) => new URL(response.url()).pathname === `/api/v1/campaigns/${campaign.id}`,
    );
    await card.locator('.campaign-card__open').click();
    await waitForText(page.locator('.campaign-detail-title'), '径山茶 团购');
    await read;
    await page.goBack();
    await card.waitFor();
    // Twenty minutes later the group-buy is opened again, and its own read fails this time.
    await page.clock.fastForward('20:00');
    await page.route(
      (url) => url.pathname === `/api/v1/campaigns/${campaign.id}`,
      (route) => route.abort('connectionreset'),
    );
    await card.locator('.campaign-card__open').click();
    await waitForText(page.locator('.campaign-detail-title'), '径山茶 团购');
    expect(await page.locator('.campaign-detail .campaign-countdown').innerText()).toMatch(
      /^距截团 23时(39|40)分$/,
    );
  });

  it('shows the pickup point chosen, not the one left, when its group-buys could not be read', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [east, west] = await pickupPoints(stack, admin, '良渚', [
      { name: '良渚东自提点', address: '良渚路 1 号', latitude: 30.3712, longitude: 120.0316 },
      { name: '良渚西自提点', address: '良渚路 9 号', latitude: 30.3714, longitude: 120.0296 },
    ]);
    const offer = (title: string, pickupPointId: string) =>
      liveGroupBuy(stack, admin, {
        product: '良渚米',
        sku: '5 斤',
        priceFen: 5_000,
        title,
        groupPriceFen: 4_000,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pickupPointId],
      });
    await offer('良渚米 东边专享', east);
    await offer('良渚米 西边专享', west);
    await shopperAt(stack, 'liangzhuchen', east);
    const page = await journey.newPage();
    await logInAs(page, stack, 'liangzhuchen');
    await page.getByText('首页', { exact: true }).last().click();
    await waitForText(page.locator('.campaign-card__title'), '良渚米 东边专享');

    // The move is saved; reading the new point's group-buys fails once.
    const listing = (url: URL) => url.pathname === '/api/v1/campaigns';
    await page.route(listing, (route) => route.abort('connectionreset'));
    await page.locator('.pickup-point-bar__change').click();
    await page
      .locator('.pickup-point')
      .filter({ hasText: '良渚西自提点' })
      .locator('.pickup-point__choose')
      .click();
    await waitForText(page.locator('.pickup-point-bar__name'), '良渚西自提点');
    await page.locator('.load-failed__retry').waitFor();
    expect(await page.locator('.campaign-card__title').count()).toBe(0);
    await page.unroute(listing);
    await page.locator('.load-failed__retry').click();
    await waitForText(page.locator('.campaign-card__title'), '良渚米 西边专享');
  });

  it('keeps the pickup point chosen when an older listing of 首页 comes back after it', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [south, north] = await pickupPoints(stack, admin, '勾庄', [
      { name: '勾庄南自提点', address: '勾庄路 1 号', latitude: 30.3512, longitude: 120.0616 },
      { name: '勾庄北自提点', address: '勾庄路 9 号', latitude: 30.3514, longitude: 120.0596 },
    ]);
    const offer = (title: string, pickupPointId: string) =>
      liveGroupBuy(stack, admin, {
        product: '勾庄菜',
        sku: '1 把',
        priceFen: 500,
        title,
        groupPriceFen: 400,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pickupPointId],
      });
    await offer('勾庄菜 南边专享', south);
    await offer('勾庄菜 北边专享', north);
    await shopperAt(stack, 'gouzhuangsun', south);
    const page = await journey.newPage();
    await logInAs(page, stack, 'gouzhuangsun');
    await page.getByText('首页', { exact: true }).last().click();
    await waitForText(page.locator('.campaign-card__title'), '勾庄菜 南边专享');

    // 首页 shown again reads its group-buys slowly; the neighbour moves to the other point.
    const release = await holdNextAnswer(page, '/api/v1/campaigns');
    await page.getByText('我的', { exact: true }).last().click();
    await page.getByText('首页', { exact: true }).last().click();
    await page.locator('.pickup-point-bar__change').click();
    await page
      .locator('.pickup-point')
      .filter({ hasText: '勾庄北自提点' })
      .locator('.pickup-point__choose')
      .click();
    await waitForText(page.locator('.campaign-card__title'), '勾庄菜 北边专享');
    release();
    await page.waitForTimeout(1_000);
    await waitForText(page.locator('.pickup-point-bar__name'), '勾庄北自提点');
    expect(await page.locator('.campaign-card__title').allInnerTexts()).toEqual([
      '勾庄菜 北边专享',
    ]);
  });

  it('is offered 重试 on each page that could not load, and sees it once it loads', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '三墩', [
      { name: '三墩自提点', address: '三墩路 1 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '塘栖枇杷',
      sku: '3斤',
      priceFen: 6_900,
      title: '塘栖枇杷 团购',
      groupPriceFen: 5_500,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'xiaowu', pointId);
    const order = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      { ...shopper.auth, 'idempotency-key': 'journey-load-failures-order' },
    );
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaowu');
    const retry = page.locator('.load-failed__retry');
    // Each page opened afresh, as from a message or a shared link: nothing loaded before. Going
    // to the page's address from the open app would only change the hash, and the app would
    // route there (and ask the BFF) before a reload, using up the dropped request.
    const openAfresh = async (hash: string) => {
      await page.goto('about:blank');
      await page.goto(`${stack.h5Url}/#${hash}`);
    };

    await dropFirst(page, '/me/orders');
    await openAfresh('/pages/orders/index');
    await retry.waitFor({ timeout: 10_000 });
    expect(await page.getByText('没有更多了').count()).toBe(0);
    await screenshot(page, 'journey-orders-retry.png');
    await retry.click();
    await waitForText(page.locator('.order-line__title'), '塘栖枇杷 团购');

    await dropFirst(page, `/me/orders/${order.id}`);
    await openAfresh(`/subpackages/shop/order/index?id=${order.id}`);
    await retry.click({ timeout: 10_000 });
    await waitForText(page.locator('.order-detail-state'), '待支付');

    await dropFirst(page, `/campaigns/${campaign.id}`);
    await openAfresh(`/subpackages/shop/campaign/index?id=${campaign.id}`);
    await retry.click({ timeout: 10_000 });
    await waitForText(page.locator('.campaign-detail-title'), '塘栖枇杷 团购');

    await dropFirst(page, '/campaigns');
    await openAfresh('/pages/index/index');
    await retry.click({ timeout: 10_000 });
    await waitForText(page.locator('.campaign-card__title'), '塘栖枇杷 团购');

    // At checkout, points that could not be read are not "none": they can be read again.
    await stack.api(
      'POST',
      `/admin/members/${shopper.id}/points-adjustments`,
      { points: 300, reason: '老邻居回馈' },
      { ...admin, 'idempotency-key': 'journey-load-failures-points' },
    );
    await dropFirst(page, '/me/points');
    await openAfresh(`/subpackages/shop/campaign/index?id=${campaign.id}`);
    await page.locator('.campaign-detail-buy').click();
    await retry.waitFor({ timeout: 10_000 });
    expect(await page.locator('.checkout').innerText()).not.toContain('可用 0');
    await screenshot(page, 'journey-checkout-retry.png');
    await retry.click();
    await page.getByText('使用积分（可用 300）').waitFor();
    expect(await retry.count()).toBe(0);

    await dropFirst(page, '/me/notifications');
    await openAfresh('/subpackages/member/notifications/index');
    await retry.click({ timeout: 10_000 });
    await waitForText(page.locator('.notifications-empty'), '暂时没有消息');

    // Applying to be a leader: not "every point has a leader" while nothing could be read.
    await dropFirst(page, '/leader/applications');
    await openAfresh('/subpackages/leader/apply/index');
    await retry.waitFor({ timeout: 10_000 });
    expect(await page.locator('.apply-submit').count()).toBe(0);
    await retry.click();
    await page.locator('.apply-submit').waitFor();
  });
});
