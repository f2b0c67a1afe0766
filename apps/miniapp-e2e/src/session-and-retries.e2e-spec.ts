import type { Page, Response } from 'playwright-core';
import { liveGroupBuy } from './support/group-buys';
import { logInAs, logInInPlace, useJourney } from './support/journey';
import { approveLeader, type PlannedPoint, pickupPoints, shopperAt } from './support/pickup-points';
import { screenshot, settled, waitForText } from './support/screen';
import { member, operator, type Stack } from './support/stack';
import { holdNextAnswer } from './support/network';

const endsWith = (suffix: string) => (url: URL) => url.pathname.endsWith(suffix);

/** The text of the first match, or null when nothing matches. */
async function shown(page: Page, selector: string): Promise<string | null> {
  const found = page.locator(selector).first();
  return (await found.count()) > 0 ? (await found.innerText()).trim() : null;
}

/**
 * A neighbour at the pickup point of a new community, on the checkout of its one group-buy:
 * the operator, the page, the group-buy and the neighbour.
 */
async function onCheckout(
  stack: Stack,
  newPage: () => Promise<Page>,
  place: { community: string; point: PlannedPoint },
  offer: Omit<Parameters<typeof liveGroupBuy>[2], 'pickupPointIds'>,
  shopperName: string,
) {
  const admin = await operator(stack);
  const [pointId] = await pickupPoints(stack, admin, place.community, [place.point]);
  const campaign = await liveGroupBuy(stack, admin, { ...offer, pickupPointIds: [pointId] });
  const shopper = await shopperAt(stack, shopperName, pointId);
  const page = await newPage();
  await logInAs(page, stack, shopperName);
  await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
  await page.locator('.campaign-detail-buy').click();
  return { admin, page, campaign, shopper };
}

/**
 * A leader at a pickup point of their own with ¥50.00 of commission to withdraw: a neighbour's
 * order there, paid, whose after-sales window has closed.
 */
async function leaderWithCommission(
  stack: Stack,
  names: {
    community: string;
    point: PlannedPoint;
    leader: string;
    shopper: string;
    product: string;
  },
): Promise<void> {
  const admin = await operator(stack);
  const [pointId] = await pickupPoints(stack, admin, names.community, [names.point], {
    leaders: false,
  });
  await approveLeader(stack, admin, pointId, names.leader);
  const campaign = await liveGroupBuy(stack, admin, {
    product: names.product,
    sku: '礼盒',
    priceFen: 60_000,
    title: names.product,
    groupPriceFen: 50_000,
    perMemberLimit: 1,
    minBuyers: 1,
    pickupPointIds: [pointId],
  });
  const shopper = await shopperAt(stack, names.shopper, pointId);
  const order = await stack.api<{ id: string }>(
    'POST',
    '/orders',
    { items: [{ campaignId: campaign.id, quantity: 1 }] },
    { ...shopper.auth, 'idempotency-key': `journey-commission-${names.leader}` },
  );
  await stack.api('POST', `/orders/${order.id}/pay`, undefined, shopper.auth);
  await stack.sql(
    `UPDATE commission_entries SET state = 'available'
     WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)`,
    [order.id],
  );
}

describe('journey: shared phones, slow networks and lost answers', () => {
  const journey = useJourney();

  it('shows the next member nothing of the one who logged out, while loading or after a failure', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const { id: aliceId } = await member(stack, 'alice');
    await stack.api(
      'POST',
      `/admin/members/${aliceId}/tier`,
      { tier: 'gold', until: '2099-12-31', reason: '社区合伙人' },
      admin,
    );
    await member(stack, 'bob');
    const page = await journey.newPage();
    const aliceOnTheCard = async () => {
      await page.getByText('会员', { exact: true }).last().click();
      await waitForText(page.locator('.member-card__tier'), '金卡会员');
      await page.getByText('我的', { exact: true }).last().click();
      await page.locator('.mine-logout').click();
    };

    // Bob's card takes a while, as on a mobile network: meanwhile nothing of Alice's shows.
    await logInAs(page, stack, 'alice');
    await aliceOnTheCard();
    await logInInPlace(page, 'bob');
    await page.route(endsWith('/api/v1/me/member-card'), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue().catch(() => undefined);
    });
    await page.getByText('会员', { exact: true }).last().click();
    await page.waitForTimeout(500);
    expect(await shown(page, '.member-card__tier')).toBeNull();
    await waitForText(page.locator('.member-card__tier'), '普通会员');
    await page.unrouteAll();

    // Bob's card cannot be read at all: he is told so, and never shown Alice's card instead.
    await page.getByText('我的', { exact: true }).last().click();
    await page.locator('.mine-logout').click();
    await logInInPlace(page, 'alice');
    await aliceOnTheCard();
    await logInInPlace(page, 'bob');
    await page.route(endsWith('/api/v1/me/member-card'), (route) =>
      route.abort('internetdisconnected'),
    );
    await page.getByText('会员', { exact: true }).last().click();
    await page.getByText('网络不太好', { exact: false }).first().waitFor();
    expect(await shown(page, '.member-card__tier')).toBeNull();
    await screenshot(page, 'journey-shared-phone.png');
  });

  it('drops an answer for the member who logged out that arrives once the next one is in', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const { id: carolId } = await member(stack, 'carol-late');
    await stack.api(
      'POST',
      `/admin/members/${carolId}/tier`,
      { tier: 'gold', until: '2099-12-31', reason: '社区合伙人' },
      admin,
    );
    await member(stack, 'dan-late');
    const page = await journey.newPage();
    await logInAs(page, stack, 'carol-late');
    // Carol's card is held on a slow network until Dan's attempt has failed; Dan's cannot be read.
    let reads = 0;
    let releaseCarol = () => undefined as void;
    const carolHeld = new Promise<void>((resolve) => (releaseCarol = resolve));
    let carolAnswered: Promise<Response | null> = Promise.resolve(null);
    let carolAsked = () => undefined as void;
    const carolAsking = new Promise<void>((resolve) => (carolAsked = resolve));
    await page.route(endsWith('/api/v1/me/member-card'), async (route) => {
      reads += 1;
      if (reads > 1) return route.abort('internetdisconnected');
      // Carol's answer once it has reached the page; null when her request ended otherwise.
      carolAnswered = route.request().response();
      carolAsked();
      await carolHeld;
      await route.continue().catch(() => undefined);
    });
    await page.getByText('会员', { exact: true }).last().click();
    // The card page is open and Carol's request is on its way before she leaves it.
    await carolAsking;
    await page.getByText('我的', { exact: true }).last().click();
    await page.locator('.mine-logout').click();
    await logInInPlace(page, 'dan-late');
    await page.getByText('会员', { exact: true }).last().click();
    await page.getByText('网络不太好', { exact: false }).first().waitFor();
    releaseCarol();
    // Carol's answer did reach the page, so the check below is about the page dropping it.
    expect((await carolAnswered)?.status()).toBe(200);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200))); // the page reads it
    expect(await shown(page, '.member-card__tier')).toBeNull();
  });

  it("shows a member's checkout only their own points", async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '青芝花园', [
      { name: '青芝花园自提点', address: '学院路 7 号', latitude: 30.2752, longitude: 120.1256 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '土鸡蛋',
      sku: '30 枚',
      priceFen: 3_990,
      title: '土鸡蛋 30 枚',
      groupPriceFen: 2_990,
      perMemberLimit: 3,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const erin = await shopperAt(stack, 'erin-points', pointId);
    await shopperAt(stack, 'fay-points', pointId);
    await stack.api(
      'POST',
      `/admin/members/${erin.id}/points-adjustments`,
      { points: 777, reason: '新人礼包' },
      { ...admin, 'idempotency-key': 'journey-erin-gift' },
    );
    const page = await journey.newPage();
    const checkout = async () => {
      await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
      await page.locator('.campaign-detail-buy').click();
    };
    await logInAs(page, stack, 'erin-points');
    await checkout();
    await page.getByText('可用 777', { exact: false }).waitFor();
    await page.goto(`${stack.h5Url}/#/pages/mine/index`);
    await page.locator('.mine-logout').click();
    await logInInPlace(page, 'fay-points');
    await page.route(endsWith('/api/v1/me/points'), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue().catch(() => undefined);
    });
    await checkout();
    await page.locator('.checkout-submit').waitFor();
    expect(await page.locator('.checkout').innerText()).not.toContain('777');
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥29.90');
    expect(await page.locator('.checkout').innerText()).not.toContain('777');
  });

  it('charges the price shown: paying waits for the quote of the quantity chosen', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '书香花园', [
      { name: '书香花园自提点', address: '学院路 1 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '赣南脐橙',
      sku: '5 斤装',
      priceFen: 3_990,
      title: '赣南脐橙 5 斤',
      groupPriceFen: 2_990,
      perMemberLimit: 3,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'carol', pointId);

    const page = await journey.newPage();
    await logInAs(page, stack, 'carol');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥29.90');
    // The next quote takes a moment; the shopper taps + and then pay straight away.
    await page.route(endsWith('/api/v1/orders/quote'), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue();
    });
    await page.locator('.checkout-quantity .nut-inputnumber-add').click();
    await page.locator('.checkout-submit').click({ force: true });
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥59.80');
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.order-state').first(), '已支付', 15_000);
    const orders = await stack.api<{ items: { payable: number }[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(orders.items.map((order) => order.payable)).toEqual([5_980]);

    // A quote for 2 is still on its way when the shopper starts again with 1: only the quote
    // for 1 is shown.
    const again = await journey.newPage();
    await logInAs(again, stack, 'carol');
    await again.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    await again.locator('.campaign-detail-buy').click();
    await waitForText(again.locator('.checkout-submit'), '提交订单并支付 ¥29.90');
    await again.route(endsWith('/api/v1/orders/quote'), async (route) => {
      const body = route.request().postDataJSON() as { items: { quantity: number }[] };
      if (body.items[0].quantity > 1) await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue().catch(() => undefined);
    });
    await again.locator('.checkout-quantity .nut-inputnumber-add').click();
    // Starting again reads the points first, slowly: the quote for 2 comes back meanwhile.
    await again.route(endsWith('/api/v1/me/points'), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await route.continue().catch(() => undefined);
    });
    await again.goBack();
    await again.locator('.campaign-detail-buy').click();
    await again.waitForTimeout(2_500);
    expect(await again.locator('.checkout-submit').innerText()).not.toContain('¥59.80');
    await waitForText(again.locator('.checkout-submit'), '提交订单并支付 ¥29.90');
    expect(await again.locator('.checkout-quantity input').inputValue()).toBe('1');
  });

  it('places a new order when the one kept after a failed payment lapsed unpaid meanwhile', async () => {
    const { stack } = journey;
    const { admin, page, shopper } = await onCheckout(
      stack,
      journey.newPage,
      {
        community: '嘉绿苑',
        point: {
          name: '嘉绿苑自提点',
          address: '文一路 3 号',
          latitude: 30.2882,
          longitude: 120.1186,
        },
      },
      {
        product: '千岛湖鱼头',
        sku: '2斤',
        priceFen: 6_800,
        title: '千岛湖鱼头 团购',
        groupPriceFen: 5_800,
        perMemberLimit: 2,
        minBuyers: 1,
      },
      'laozhou',
    );
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥58.00');
    // Paying fails: the order is kept for paying again.
    const paying = endsWith('/pay');
    await page.route(paying, (route) => route.abort('connectionreset'));
    await page.locator('.checkout-submit').click();
    await page.locator('.checkout-error').waitFor();
    // Why, and that the order placed is kept for paying again.
    expect(await page.locator('.checkout-error').innerText()).toMatch(
      /^网络不太好，请稍后再试，订单保留至 \d{2}:\d{2}，可再次支付$/,
    );
    // While it is kept, the basket stays what was ordered: a changed one would be a second order.
    await waitForText(page.locator('.checkout-submit'), '继续支付 ¥58.00');
    await page.locator('.checkout-kept').waitFor();
    await page.locator('.checkout-quantity .nut-inputnumber-add').click();
    await page.waitForTimeout(500);
    expect(await page.locator('.checkout-quantity input').inputValue()).toBe('1');
    await waitForText(page.locator('.checkout-submit'), '继续支付 ¥58.00');
    // Coming back to the group-buy's checkout finds the same basket held.
    await page.goBack();
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-submit'), '继续支付 ¥58.00');
    await page.locator('.checkout-kept').waitFor();
    await page.unroute(paying);
    // The shopper comes back to it after its time to pay ran out, and it was cancelled.
    await stack.sql(
      `UPDATE orders SET expires_at = now() - interval '1 minute' WHERE member_id = $1`,
      [shopper.id],
    );
    await stack.api('POST', '/admin/jobs/cancel-unpaid-orders/run', undefined, admin);
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.checkout-error'), '订单已超时取消，可重新下单');
    expect(page.url()).toContain('/subpackages/shop/checkout/index');
    expect(await page.locator('.checkout-kept').count()).toBe(0);
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥58.00');
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.order-state').first(), '已支付', 15_000);
    const orders = await stack.api<{ items: { state: string }[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(orders.items.map((order) => order.state).sort()).toEqual(['cancelled', 'paid']);
  });

  it('says on the order why paying failed and until when it is kept, or that WeChat Pay has closed it', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '紫金港', [
      { name: '紫金港自提点', address: '余杭塘路 8 号', latitude: 30.3082, longitude: 120.0886 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '安吉白茶',
      sku: '100 克',
      priceFen: 9_800,
      title: '安吉白茶 团购',
      groupPriceFen: 8_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'xiaolin', pointId);
    const order = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      shopper.auth,
    );
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaolin');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${order.id}`);
    const paying = endsWith(`/orders/${order.id}/pay`);
    const answer = (status: number, code: string) =>
      page.route(paying, (route) =>
        route.fulfill({
          status,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code, message: code } }),
        }),
      );
    await answer(502, 'WECHAT_UNAVAILABLE');
    await page.locator('.order-pay__button').click();
    await page.locator('.order-error').waitFor();
    expect(await page.locator('.order-error').innerText()).toMatch(
      /^微信服务繁忙，请稍后再试，订单保留至 \d{2}:\d{2}，可再次支付$/,
    );
    await page.unroute(paying);
    await answer(409, 'ORDER_STATE_INVALID');
    await page.locator('.order-pay__button').click();
    await waitForText(page.locator('.order-error'), '这笔订单已无法支付，请取消后重新下单');
  });

  it('shows the page gone back to when 返回 comes at once after a tap opened another', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '桂花苑', [
      { name: '桂花苑自提点', address: '学院路 9 号', latitude: 30.2782, longitude: 120.1286 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '洞庭湖莲藕',
      sku: '3 斤装',
      priceFen: 2_590,
      title: '洞庭湖莲藕 3 斤',
      groupPriceFen: 1_990,
      perMemberLimit: 3,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    await shopperAt(stack, 'grace', pointId);
    const page = await journey.newPage();
    await logInAs(page, stack, 'grace');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    // The first time the checkout has never been opened; then it opens again and again.
    for (let round = 0; round < 5; round += 1) {
      await page.locator('.campaign-detail-buy').click();
      await page.goBack();
      await page.locator('.campaign-detail-buy').waitFor({ state: 'visible', timeout: 5_000 });
    }
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥19.90');
  });

  it('counts a payment whose answer was lost as paid, not as 支付未完成', async () => {
    const { stack } = journey;
    const { page, shopper } = await onCheckout(
      stack,
      journey.newPage,
      {
        community: '西溪花园',
        point: {
          name: '西溪花园自提点',
          address: '学院路 5 号',
          latitude: 30.2762,
          longitude: 120.1266,
        },
      },
      {
        product: '五常大米',
        sku: '10 斤装',
        priceFen: 5_900,
        title: '五常大米 10 斤',
        groupPriceFen: 4_500,
        perMemberLimit: 2,
        minBuyers: 1,
      },
      'frank',
    );
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥45.00');
    // The BFF takes the payment; its answer is lost on the way back.
    await page.route(
      (url) => /\/api\/v1\/orders\/[^/]+\/pay$/.test(url.pathname),
      async (route) => {
        await route.fetch();
        await route.abort('connectionreset');
      },
    );
    // 订单 is read slowly: until it comes, it says it is loading, not that there is nothing more.
    await page.route(endsWith('/api/v1/me/orders'), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue().catch(() => undefined);
    });
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.orders-hint'), '加载中…');
    await waitForText(page.locator('.order-state').first(), '已支付', 15_000);
    expect(await shown(page, '.checkout-error')).toBeNull();
    const orders = await stack.api<{ items: { state: string }[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(orders.items.map((order) => order.state)).toEqual(['paid']);
  });

  it('asks for a withdrawal once though its answer was lost and the leader tapped again', async () => {
    const { stack } = journey;
    await leaderWithCommission(stack, {
      community: '桂花新村',
      point: {
        name: '桂花新村自提点',
        address: '学院路 2 号',
        latitude: 30.2782,
        longitude: 120.1286,
      },
      leader: 'wangayi',
      shopper: 'dave',
      product: '年货礼盒',
    });

    const page = await journey.newPage();
    await logInAs(page, stack, 'wangayi');
    await page.goto(`${stack.h5Url}/#/subpackages/leader/commission/index`);
    await waitForText(page.locator('.commission-total__value'), '¥50.00');
    let asked = 0;
    const lostAnswers = new Set([1, 3]);
    await page.route(endsWith('/api/v1/leader/withdrawals'), async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      asked += 1;
      if (!lostAnswers.has(asked)) return route.continue();
      await route.fetch(); // recorded by the BFF, its answer lost on the way back
      await route.abort('connectionreset');
    });
    // Coming back opens the page again over the first: act on the newest.
    const withdraw = async (yuan: string) => {
      await page.locator('.withdraw-amount input').last().fill(yuan);
      await page.locator('.withdraw-submit').last().click();
    };
    const recorded = () =>
      stack.sql(`SELECT amount_fen FROM commission_withdrawals ORDER BY amount_fen`);
    // Tapped again after the lost answer: the same request, recorded once. Meanwhile the page
    // read again shows it under review, and ¥30 left to withdraw.
    await withdraw('20');
    await page.locator('.leader-error').waitFor();
    await page.getByText('¥20.00', { exact: false }).first().waitFor();
    await waitForText(page.locator('.commission-total__value').last(), '¥30.00');
    await withdraw('20');
    await page.getByText('已提交审核').first().waitFor();
    expect(await recorded()).toEqual([{ amount_fen: 2_000 }]);
    // Lost again; the leader leaves and comes back, and the list shows the ¥10 under review:
    // another ¥10, asked for on purpose, is another withdrawal.
    await withdraw('10');
    await page.locator('.leader-error').waitFor();
    await page.goto(`${stack.h5Url}/#/pages/mine/index`);
    // The page read again, totals and withdrawals both, before the leader asks again.
    const readAgain = ['/api/v1/leader/commissions', '/api/v1/leader/withdrawals'].map((path) =>
      page.waitForResponse((response) => new URL(response.url()).pathname === path),
    );
    await page.goto(`${stack.h5Url}/#/subpackages/leader/commission/index`);
    await Promise.all(readAgain);
    await page.getByText('¥10.00', { exact: false }).first().waitFor();
    await settled(page);
    await withdraw('10');
    await page.getByText('已提交审核').first().waitFor();
    expect(asked).toBe(4);
    expect(await recorded()).toEqual([
      { amount_fen: 1_000 },
      { amount_fen: 1_000 },
      { amount_fen: 2_000 },
    ]);
  });

  it('keeps the member code rotating after a refresh that failed, saying so meanwhile', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '东苑', [
      { name: '东苑自提点', address: '学院路 3 号', latitude: 30.2792, longitude: 120.1296 },
    ]);
    await shopperAt(stack, 'erin', pointId);
    const page = await journey.newPage();
    await page.clock.install();
    await logInAs(page, stack, 'erin');
    await page.getByText('会员', { exact: true }).last().click();
    await page.locator('.member-qr img').waitFor();
    let reads = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/me/member-card')) reads += 1;
    });
    // The refresh at the end of the minute fails (a lift, a tunnel).
    await page.route(endsWith('/api/v1/me/member-card'), (route) =>
      route.abort('internetdisconnected'),
    );
    await page.clock.fastForward('01:05');
    await page.getByText('会员码正在重试刷新', { exact: false }).waitFor();
    expect(reads).toBe(1);
    // Back online: the next try, seconds later, brings a fresh code.
    await page.unrouteAll();
    await page.clock.fastForward('00:06');
    await page.getByText('会员码正在重试刷新', { exact: false }).waitFor({ state: 'detached' });
    expect(reads).toBe(2);
    await page.locator('.member-qr img').waitFor();
    // The page's clock now runs ahead of the BFF's, so by it the fresh code arrives already
    // expired: the next read still waits for the seconds the BFF gave, rather than coming at once.
    await page.waitForTimeout(300);
    expect(reads).toBe(2);
  });
  it('counts as paid an order the cut-off confirmed while the answer to paying was lost', async () => {
    const { stack } = journey;
    const { admin, page, campaign } = await onCheckout(
      stack,
      journey.newPage,
      {
        community: '三墩',
        point: {
          name: '三墩自提点',
          address: '三墩路 9 号',
          latitude: 30.3262,
          longitude: 120.0966,
        },
      },
      {
        product: '舟山带鱼',
        sku: '1 斤',
        priceFen: 4_900,
        title: '舟山带鱼 团购',
        groupPriceFen: 3_900,
        perMemberLimit: 2,
        minBuyers: 1,
      },
      'sanduntao',
    );
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥39.00');
    // The BFF takes the payment, the group-buy cuts off and is confirmed, and then the answer to
    // paying is lost on the way back.
    await page.route(
      (url) => /\/api\/v1\/orders\/[^/]+\/pay$/.test(url.pathname),
      async (route) => {
        await route.fetch();
        await stack.sql(`UPDATE campaigns SET cuts_off_at = now() WHERE id = $1`, [campaign.id]);
        await stack.api('POST', '/admin/jobs/cut-off-campaigns/run', undefined, admin);
        await route.abort('connectionreset');
      },
    );
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.order-state').first(), '已成团', 15_000);
    expect(page.url()).toContain('/pages/orders/index');
  });

  it('shows a cancel whose answer was lost as done, without an error', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '申花', [
      { name: '申花自提点', address: '申花路 2 号', latitude: 30.2962, longitude: 120.1066 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '安吉白茶',
      sku: '100g',
      priceFen: 9_900,
      title: '安吉白茶 团购',
      groupPriceFen: 8_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const { auth } = await shopperAt(stack, 'shenhuamei', pointId);
    const order = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      { ...auth, 'idempotency-key': 'journey-cancel-answer-lost' },
    );
    const page = await journey.newPage();
    await logInAs(page, stack, 'shenhuamei');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${order.id}`);
    await waitForText(page.locator('.order-detail-state'), '待支付');
    // The BFF cancels the order; its answer is lost on the way back.
    await page.route(endsWith(`/orders/${order.id}/cancel`), async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.locator('.order-cancel').click();
    await page.locator('.taro-modal__foot').getByText('取消订单').click();
    await waitForText(page.locator('.order-detail-state'), '已取消');
    await page.waitForTimeout(500);
    expect(await shown(page, '.order-error')).toBeNull();
  });

  it('leaves the order on screen as it is when paying another one ends after the shopper moved on', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '翠苑三区', [
      { name: '翠苑三区自提点', address: '翠苑街 3 号', latitude: 30.2862, longitude: 120.1166 },
    ]);
    const groupBuy = (product: string) =>
      liveGroupBuy(stack, admin, {
        product,
        sku: '1 份',
        priceFen: 3_000,
        title: `${product} 团购`,
        groupPriceFen: 2_000,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pointId],
      });
    const [first, second] = [await groupBuy('桂花糕'), await groupBuy('定胜糕')];
    const { auth } = await shopperAt(stack, 'cuiyuanli', pointId);
    const place = (campaignId: string, quantity: number) =>
      stack.api<{ id: string }>(
        'POST',
        '/orders',
        { items: [{ campaignId, quantity }] },
        { ...auth, 'idempotency-key': `journey-moved-on-${campaignId}` },
      );
    const paidLate = await place(first.id, 2);
    const onScreen = await place(second.id, 1);
    const page = await journey.newPage();
    await logInAs(page, stack, 'cuiyuanli');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${paidLate.id}`);
    await waitForText(page.locator('.order-pay__button'), '去支付 ¥40.00');
    // Paying is slow; the shopper goes on to the other order meanwhile.
    await page.route(endsWith(`/orders/${paidLate.id}/pay`), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue().catch(() => undefined);
    });
    const paying = page.waitForResponse((response) =>
      response.url().endsWith(`/orders/${paidLate.id}/pay`),
    );
    await page.locator('.order-pay__button').click();
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${onScreen.id}`);
    await waitForText(page.locator('.order-pay__button'), '去支付 ¥20.00');
    await paying;
    await page.waitForTimeout(1_500);
    expect(page.url()).toContain(`id=${onScreen.id}`);
    await waitForText(page.locator('.order-detail-state'), '待支付');
    await waitForText(page.locator('.order-pay__button'), '去支付 ¥20.00');
  });
  it('leaves a new checkout alone when the order of one left while it was being placed goes through', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '文新', [
      { name: '文新自提点', address: '文新街 6 号', latitude: 30.2912, longitude: 120.1016 },
    ]);
    const groupBuy = (product: string, groupPriceFen: number) =>
      liveGroupBuy(stack, admin, {
        product,
        sku: '1 盒',
        priceFen: 5_000,
        title: `${product} 团购`,
        groupPriceFen,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pointId],
      });
    await groupBuy('龙井酥', 2_500);
    await groupBuy('西湖醋鱼', 4_500);
    const shopper = await shopperAt(stack, 'wenxinzhao', pointId);
    const page = await journey.newPage();
    await logInAs(page, stack, 'wenxinzhao');
    await page.getByText('首页', { exact: true }).last().click();
    const buy = (title: string) =>
      page.locator('.campaign-card').filter({ hasText: title }).locator('.campaign-card__buy');
    await buy('龙井酥 团购').click();
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥25.00');
    // Placing the order is slow; the shopper goes back and on to another group-buy meanwhile.
    await page.route(endsWith('/api/v1/orders'), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue().catch(() => undefined);
    });
    await page.locator('.checkout-submit').click();
    await page.goBack();
    await buy('西湖醋鱼 团购').click();
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥45.00');
    await page.waitForTimeout(3_000);
    expect(page.url()).toContain('/subpackages/shop/checkout/index');
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥45.00');
    expect(await page.locator('.checkout-submit.nut-button-loading').count()).toBe(0);
    // The order placed for the group-buy left waits in 订单, unpaid.
    const orders = await stack.api<{ items: { state: string }[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(orders.items.map((order) => order.state)).toEqual(['pending_payment']);
  });
  it('holds the basket when the answer to placing the order was lost, and places one order', async () => {
    const { stack } = journey;
    const { page, shopper } = await onCheckout(
      stack,
      journey.newPage,
      {
        community: '九堡',
        point: {
          name: '九堡自提点',
          address: '九堡路 2 号',
          latitude: 30.3112,
          longitude: 120.2666,
        },
      },
      {
        product: '萧山萝卜干',
        sku: '1 袋',
        priceFen: 2_000,
        title: '萧山萝卜干 团购',
        groupPriceFen: 1_500,
        perMemberLimit: 3,
        minBuyers: 1,
      },
      'jiubaoxu',
    );
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥15.00');
    // The BFF places the order; its answer is lost on the way back.
    const placing = endsWith('/api/v1/orders');
    await page.route(placing, async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.checkout-kept'), '下单结果还没确认：再点一次不会重复下单');
    await page.locator('.checkout-quantity .nut-inputnumber-add').click();
    await page.waitForTimeout(500);
    expect(await page.locator('.checkout-quantity input').inputValue()).toBe('1');
    await page.unroute(placing);
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.order-state').first(), '已支付', 15_000);
    const orders = await stack.api<{ items: { state: string }[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(orders.items.map((order) => order.state)).toEqual(['paid']);
  });

  it('shows what is left to withdraw after a withdrawal, though an older reading of the page comes back later', async () => {
    const { stack } = journey;
    await leaderWithCommission(stack, {
      community: '丁桥',
      point: { name: '丁桥自提点', address: '丁桥路 8 号', latitude: 30.3482, longitude: 120.2386 },
      leader: 'dingqiaoli',
      shopper: 'dingqiaozhu',
      product: '丁桥年糕',
    });

    const page = await journey.newPage();
    await logInAs(page, stack, 'dingqiaoli');
    await page.goto(`${stack.h5Url}/#/subpackages/leader/commission/index`);
    await waitForText(page.locator('.commission-total__value'), '¥50.00');
    // Opened again, the page's reading is slow to come back: it was read before the withdrawal.
    const release = await holdNextAnswer(page, '/api/v1/leader/commissions');
    await page.goto(`${stack.h5Url}/#/pages/mine/index`);
    await page.goto(`${stack.h5Url}/#/subpackages/leader/commission/index`);
    await settled(page);
    await page.locator('.withdraw-amount input').last().fill('20');
    await page.locator('.withdraw-submit').last().click();
    await page.getByText('已提交审核').first().waitFor();
    await waitForText(page.locator('.commission-total__value').last(), '¥30.00');
    release();
    await page.waitForTimeout(1_000);
    await waitForText(page.locator('.commission-total__value').last(), '¥30.00');
  });
});
