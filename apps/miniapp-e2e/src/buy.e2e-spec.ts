import { randomUUID } from 'node:crypto';
import { logInAs, useJourney } from './support/journey';
import { expectPicture, screenshot, settled, waitForText } from './support/screen';
import { pickupPoints, shopperAt } from './support/pickup-points';
import { liveGroupBuy, paidOrder } from './support/group-buys';
import { Client } from 'pg';
import { member, operator } from './support/stack';

describe('journey: a neighbour buys a group-buy with points', () => {
  const journey = useJourney();

  it('chooses a pickup point, checks out with points, pays and sees the order', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const { id: campaignId, pickupDate } = await liveGroupBuy(stack, auth, {
      product: '赣南脐橙',
      sku: '5斤装',
      priceFen: 3_990,
      title: '赣南脐橙 5斤装 团购',
      groupPriceFen: 2_990,
      perMemberLimit: 3,
      minBuyers: 2,
      description: '果园直发，酸甜多汁',
      images: [`${stack.h5Url}/demo-media/orange.svg`],
    });
    const [east] = await pickupPoints(stack, auth, '阳光花园', [
      {
        name: '阳光花园东门自提点',
        address: '文三路 88 号',
        latitude: 30.2772,
        longitude: 120.1276,
      },
    ]);

    const page = await journey.newPage();
    await logInAs(page, stack, 'liuma');
    const { id: memberId } = await member(stack, 'liuma');
    await stack.api(
      'POST',
      `/admin/members/${memberId}/points-adjustments`,
      { points: 500, reason: '新人礼包' },
      {
        ...auth,
        'idempotency-key': 'journey-buy-gift',
      },
    );

    await page.getByText('首页', { exact: true }).last().click();
    await page.locator('.pickup-point__choose').first().click();
    await waitForText(page.locator('.campaign-card__title'), '赣南脐橙 5斤装 团购');
    await waitForText(page.locator('.campaign-card .campaign-price'), '¥29.90');
    await expectPicture(page.locator('.campaign-card-cover img'));
    await page.locator('.campaign-card__title').first().click();
    await waitForText(page.locator('.campaign-detail-title'), '赣南脐橙 5斤装 团购');
    await waitForText(page.locator('.campaign-detail__card .campaign-price'), '¥29.90');
    await waitForText(page.locator('.campaign-detail-buyers'), '0 位邻居已参团，还差 2 位成团');
    await waitForText(page.locator('.campaign-detail-description'), '果园直发，酸甜多汁');
    await expectPicture(page.locator('.campaign-detail__image img').first());
    await screenshot(page, 'journey-campaign.png');
    await page.locator('.campaign-detail-buy').click();

    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥29.90');
    await waitForText(
      page.locator('.checkout-pickup .checkout-row__value'),
      `${pickupDate} · 阳光花园东门自提点`,
    );
    await page.locator('.checkout-points').click();
    await waitForText(page.locator('.checkout-points-row .checkout-row__value'), '-¥5.00');
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥24.90');
    await screenshot(page, 'journey-checkout.png');
    await page.locator('.checkout-submit').click();

    await waitForText(page.locator('.order-state').first(), '已支付');
    await waitForText(page.locator('.order-card__payable').first(), '实付 ¥24.90');
    await expectPicture(page.locator('.order-line-product__picture img').first());
    await screenshot(page, 'journey-order-paid.png');
    await waitForText(page.locator('.order-card__points').first(), '积分抵扣 -¥5.00（500 积分）');
    // The points the order earns wait for it to complete: the wallet shows them as 待到账.
    await page.getByText('我的', { exact: true }).last().click();
    await page.locator('.mine-points-link').click();
    await waitForText(page.locator('.points-entry__title').first(), '购物获得（待到账）');
    await waitForText(page.locator('.points-entry__amount.is-pending').first(), '+24');
    await waitForText(page.locator('.points-entry__title').nth(1), '抵扣使用');
    await page.goBack();
    const orders = await stack.api<{ items: { state: string; pointsUsed: number }[] }>(
      'GET',
      '/me/orders',
      undefined,
      (await member(stack, 'liuma')).auth,
    );
    expect(orders.items).toEqual([expect.objectContaining({ state: 'paid', pointsUsed: 500 })]);

    // Back on the group-buy, she is shown the unit she holds against its limit of 3.
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaignId}`);
    await waitForText(page.locator('.campaign-detail-limit'), '每人 3 件，你已买 1 件');
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-limit'), '数量（每人限 3 件，还可买 2 件）');

    // The operator keeps 3 units in all and a neighbour takes one: one is left, and she is
    // offered that one, not the two her limit allows.
    await stack.api(
      'POST',
      `/admin/campaigns/${campaignId}/stock`,
      { change: -47, reason: '仓库盘点' },
      { ...auth, 'idempotency-key': randomUUID() },
    );
    const neighbour = await shopperAt(stack, 'zhangsan', east);
    await paidOrder(stack, neighbour.auth, campaignId, randomUUID());
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaignId}`);
    await waitForText(page.locator('.campaign-stock__meta > *:first-child'), '已团 2 件 · 剩 1 件');
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-limit'), '数量（每人限 3 件，仅剩 1 件）');
    await page.locator('.checkout-quantity .nut-inputnumber-add').click();
    expect(await page.locator('.checkout-quantity input').inputValue()).toBe('1');
  });

  it('sees their pickup point and the live countdown on 首页, and moves to another point with its own group-buys', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const [south, north] = await pickupPoints(stack, auth, '文三新村', [
      {
        name: '文三新村南门自提点',
        address: '文三路 102 号',
        latitude: 30.2775,
        longitude: 120.1279,
      },
      {
        name: '文三新村北门自提点',
        address: '学院路 9 号',
        latitude: 30.2801,
        longitude: 120.1282,
      },
    ]);
    // One group-buy offered only at each gate.
    for (const [pickupPointId, title] of [
      [south, '舟山带鱼 南门专享'],
      [north, '舟山带鱼 北门专享'],
    ]) {
      await liveGroupBuy(stack, auth, {
        product: '舟山带鱼',
        sku: '1斤',
        priceFen: 3_600,
        title,
        groupPriceFen: 2_800,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pickupPointId],
      });
    }

    const page = await journey.newPage();
    await page.clock.install();
    await logInAs(page, stack, 'zhaoyi');
    await page.getByText('首页', { exact: true }).last().click();
    const choose = (name: string) =>
      page
        .locator('.pickup-point')
        .filter({ hasText: name })
        .locator('.pickup-point__choose')
        .click();
    await choose('文三新村南门自提点');
    await waitForText(page.locator('.pickup-point-bar__name'), '文三新村南门自提点');
    await waitForText(page.locator('.campaign-card__title'), '舟山带鱼 南门专享');
    expect(await page.locator('.campaign-card__title').allInnerTexts()).not.toContain(
      '舟山带鱼 北门专享',
    );

    await page.locator('.pickup-point-bar__change').click();
    await waitForText(
      page
        .locator('.pickup-point')
        .filter({ hasText: '文三新村南门自提点' })
        .locator('.pickup-point__choose'),
      '当前',
    );
    await screenshot(page, 'journey-pickup-point-change.png');
    await choose('文三新村北门自提点');
    await waitForText(page.locator('.pickup-point-bar__name'), '文三新村北门自提点');
    await waitForText(page.locator('.campaign-card__title'), '舟山带鱼 北门专享');
    expect(await page.locator('.campaign-card__title').allInnerTexts()).not.toContain(
      '舟山带鱼 南门专享',
    );
    await screenshot(page, 'journey-pickup-point-home.png');

    // The countdown to the cut-off runs while the page stays open.
    const countdown = page
      .locator('.campaign-card')
      .filter({ hasText: '舟山带鱼 北门专享' })
      .locator('.campaign-countdown');
    const minutesLeft = async () => {
      const [, hours, minutes] = /(\d+)时(\d+)分/.exec(await countdown.innerText()) ?? [];
      return Number(hours) * 60 + Number(minutes);
    };
    const shown = await countdown.innerText();
    const before = await minutesLeft();
    await page.clock.fastForward('02:00');
    await countdown.filter({ hasNotText: shown }).waitFor();
    // Two minutes, or three when a real minute also turned meanwhile.
    expect([2, 3]).toContain(before - (await minutesLeft()));

    const { auth: shopper } = await member(stack, 'zhaoyi');
    const me = await stack.api<{ pickupPoint: { id: string } }>('GET', '/me', undefined, shopper);
    expect(me.pickupPoint.id).toBe(north);
  });

  it('shows a member-exclusive group-buy, marked 会员专享, to a Gold member and not to a Regular one', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const [pointId] = await pickupPoints(stack, auth, '翠苑', [
      { name: '翠苑一区自提点', address: '学院路 28 号', latitude: 30.2901, longitude: 120.1302 },
    ]);
    await liveGroupBuy(stack, auth, {
      product: '阳澄湖大闸蟹',
      sku: '4两 6只装',
      priceFen: 26_800,
      title: '阳澄湖大闸蟹 会员专享团',
      groupPriceFen: 19_900,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
      exclusive: true,
    });
    await liveGroupBuy(stack, auth, {
      product: '舟山带鱼',
      sku: '2斤装',
      priceFen: 8_800,
      title: '舟山带鱼 2斤装 团购',
      groupPriceFen: 6_900,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const gold = await shopperAt(stack, 'cuiyuan-gold', pointId);
    await stack.api(
      'POST',
      `/admin/members/${gold.id}/tier`,
      { tier: 'gold', until: '2099-12-31', reason: '社区合伙人' },
      auth,
    );
    await shopperAt(stack, 'cuiyuan-regular', pointId);

    const page = await journey.newPage();
    await logInAs(page, stack, 'cuiyuan-regular');
    await page.getByText('首页', { exact: true }).last().click();
    await waitForText(page.locator('.campaign-card__title'), '舟山带鱼 2斤装 团购');
    expect(await page.locator('.campaign-card__title', { hasText: '会员专享团' }).count()).toBe(0);
    expect(await page.locator('.exclusive-badge').count()).toBe(0);

    const goldPage = await journey.newPage();
    await logInAs(goldPage, stack, 'cuiyuan-gold');
    await goldPage.getByText('首页', { exact: true }).last().click();
    await waitForText(goldPage.locator('.campaign-card__title'), '阳澄湖大闸蟹 会员专享团');
    await waitForText(goldPage.locator('.campaign-card .exclusive-badge'), '会员专享');
    await goldPage.locator('.campaign-card__title', { hasText: '会员专享团' }).click();
    await waitForText(goldPage.locator('.campaign-detail-title'), '阳澄湖大闸蟹 会员专享团');
    await waitForText(goldPage.locator('.campaign-detail__card .exclusive-badge'), '会员专享');
    await screenshot(goldPage, 'journey-campaign-exclusive.png');
  });

  it('pays from the order page an order whose payment was left unfinished, and cancels it after asking', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const campaign = await liveGroupBuy(stack, auth, {
      product: '临安山核桃',
      sku: '500g',
      priceFen: 6_800,
      title: '临安山核桃 团购',
      groupPriceFen: 5_800,
      perMemberLimit: 2,
      minBuyers: 1,
    });
    const [pointId] = await pickupPoints(stack, auth, '古荡新村', [
      { name: '古荡新村自提点', address: '古墩路 3 号', latitude: 30.279, longitude: 120.12 },
    ]);
    // The order is placed, then the WeChat Pay sheet is closed: it waits for payment.
    const { auth: shopper } = await shopperAt(stack, 'qianshu', pointId);
    const order = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      { ...shopper, 'idempotency-key': 'journey-unpaid-order' },
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'qianshu');
    await page.getByText('订单', { exact: true }).last().click();
    await waitForText(page.locator('.order-state').first(), '待支付');
    await page.locator('.order-card').first().click();
    await waitForText(page.locator('.order-pay__button'), '去支付 ¥58.00');
    await screenshot(page, 'journey-order-unpaid.png');
    await page.locator('.order-pay__button').click();
    await waitForText(page.locator('.order-detail-state'), '已支付');
    expect(await page.locator('.order-pay__button').count()).toBe(0);

    // 取消订单 asks first: 再想想 keeps the paid order, confirming cancels and refunds it.
    await page.locator('.order-cancel').click();
    await page.locator('.taro-modal__foot').getByText('再想想').click();
    await waitForText(page.locator('.order-detail-state'), '已支付');
    await page.locator('.order-cancel').click();
    await page.locator('.taro-modal__foot').getByText('取消订单').click();
    await waitForText(page.locator('.order-detail-state'), '已取消');
    await waitForText(page.locator('.money-back .order-row > *'), '退款 ¥58.00');
    await waitForText(page.locator('.money-back-state'), '退款中');
    // The sandbox pays back as soon as the cancellation commits: the order, opened again, says
    // where the money went.
    await page.goBack();
    await page.locator('.order-card').first().click();
    await waitForText(page.locator('.money-back-state'), '已到账');
    await page
      .locator('.money-back .refund-item__detail', { hasText: /^已退回原支付账户，\d/ })
      .first()
      .waitFor({ state: 'visible' });
    await screenshot(page, 'journey-order-money-back.png');

    const cancelled = await stack.api<{ state: string }>(
      'GET',
      `/me/orders/${order.id}`,
      undefined,
      shopper,
    );
    expect(cancelled.state).toBe('cancelled');
  });

  it('shows a group-buy not started yet as 即将开团 until it starts, and an unpaid order past its deadline without 去支付', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const [pointId] = await pickupPoints(stack, auth, '文新', [
      { name: '文新自提点', address: '文一西路 9 号', latitude: 30.2795, longitude: 120.1185 },
    ]);
    const soon = await liveGroupBuy(stack, auth, {
      product: '东阳红糖',
      sku: '1斤',
      priceFen: 2_600,
      title: '东阳红糖 团购',
      groupPriceFen: 1_900,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
      startsInMs: 2 * 3_600_000,
    });
    const live = await liveGroupBuy(stack, auth, {
      product: '舟山带鱼',
      sku: '2条',
      priceFen: 6_600,
      title: '舟山带鱼 团购',
      groupPriceFen: 5_200,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const { auth: shopper } = await shopperAt(stack, 'fengjie', pointId);
    const unpaid = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: live.id, quantity: 1 }] },
      { ...shopper, 'idempotency-key': 'journey-order-left-unpaid' },
    );

    const page = await journey.newPage();
    await page.clock.install();
    await logInAs(page, stack, 'fengjie');
    // A neighbour opens a shared link to the group-buy before it starts.
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${soon.id}`);
    await waitForText(page.locator('.campaign-detail-buy'), '即将开团');
    expect(await page.locator('.campaign-countdown').innerText()).toMatch(/^距开团 1时5\d分$/);
    expect(await page.locator('.campaign-detail-buy').getAttribute('class')).toContain(
      'nut-button-disabled',
    );
    await page.locator('.campaign-detail-buy').click();
    // Given the time a navigation would take, the neighbour is still on the group-buy.
    await page.waitForTimeout(500);
    expect(page.url()).toContain('/subpackages/shop/campaign/index');
    await screenshot(page, 'journey-campaign-scheduled.png');

    await page.goto(`${stack.h5Url}/#/pages/orders/index`);
    await page.locator('.order-card').first().click();
    await waitForText(page.locator('.order-pay__button'), '去支付 ¥52.00');
    // The shopper comes back to the order after its 15 minutes have run out (by the BFF's
    // clock, which the page judges deadlines by, whatever the phone's says).
    await stack.sql(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      unpaid.id,
    ]);
    await page.goBack();
    // 订单 takes taps once it is shown again (a tap before that is dropped as a double tap).
    await settled(page);
    await page.locator('.order-card').first().click();
    await waitForText(page.locator('.order-pay__deadline'), '已过支付时间，订单将自动取消');
    expect(await page.locator('.order-pay__button').count()).toBe(0);

    // Back on the group-buy, the neighbour waits past its start: countdown and button open together.
    // The page shows what it knew at once and counts again from the BFF's fresh figures once they
    // arrive; the page's clock moves on only after that, or the BFF's figures would undo the move.
    const refreshed = page.waitForResponse((response) =>
      response.url().endsWith(`/api/v1/campaigns/${soon.id}`),
    );
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${soon.id}`);
    await refreshed;
    await waitForText(page.locator('.campaign-detail-buy'), '即将开团');
    await page.waitForTimeout(300);
    await page.clock.fastForward('02:00:00');
    await waitForText(page.locator('.campaign-detail-buy'), '立即参团');
    expect(await page.locator('.campaign-countdown').innerText()).toMatch(/^距截团 /);
    expect(await page.locator('.campaign-detail-buy').getAttribute('class')).not.toContain(
      'nut-button-disabled',
    );
  });

  it('scrolls 订单 back past the first page to the oldest order', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const campaign = await liveGroupBuy(stack, auth, {
      product: '安吉白茶',
      sku: '50g',
      priceFen: 9_800,
      title: '安吉白茶 团购',
      groupPriceFen: 8_800,
      perMemberLimit: 30,
      minBuyers: 1,
    });
    const [pointId] = await pickupPoints(stack, auth, '翠苑二区', [
      { name: '翠苑二区自提点', address: '翠苑路 20 号', latitude: 30.281, longitude: 120.131 },
    ]);
    const { auth: shopper } = await shopperAt(stack, 'sunmei', pointId);
    // One more order than a page holds, the first of them for 2 units.
    for (let i = 0; i < 21; i++) {
      await stack.api(
        'POST',
        '/orders',
        { items: [{ campaignId: campaign.id, quantity: i === 0 ? 2 : 1 }] },
        { ...shopper, 'idempotency-key': `journey-many-orders-${i}` },
      );
    }

    const page = await journey.newPage();
    await logInAs(page, stack, 'sunmei');
    await page.getByText('订单', { exact: true }).last().click();
    await page.locator('.order-card').nth(19).waitFor();
    expect(await page.locator('.order-card').count()).toBe(20);
    expect(await page.locator('.orders-end').count()).toBe(0);

    // The shopper swipes up over the list.
    await page.mouse.move(187, 400);
    await page.mouse.wheel(0, 20_000);
    await waitForText(page.locator('.orders-end'), '没有更多了');
    expect(await page.locator('.order-card').count()).toBe(21);
    expect(await page.locator('.order-card').last().innerText()).toContain('x2');
  });

  it('shows 订单 a tab at a time, keeping to the tab chosen last while an earlier one loads', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const campaign = await liveGroupBuy(stack, auth, {
      product: '千岛湖鱼头',
      sku: '1只',
      priceFen: 6_800,
      title: '千岛湖鱼头 团购',
      groupPriceFen: 5_800,
      perMemberLimit: 5,
      minBuyers: 1,
    });
    const [pointId] = await pickupPoints(stack, auth, '古荡新村', [
      { name: '古荡新村自提点', address: '古墩路 6 号', latitude: 30.282, longitude: 120.112 },
    ]);
    const { auth: shopper } = await shopperAt(stack, 'qianyu', pointId);
    const place = (key: string) =>
      stack.api<{ id: string }>(
        'POST',
        '/orders',
        { items: [{ campaignId: campaign.id, quantity: 1 }] },
        { ...shopper, 'idempotency-key': key },
      );
    const paid = await place('journey-tabs-paid');
    await stack.api('POST', `/orders/${paid.id}/pay`, undefined, shopper);
    await place('journey-tabs-unpaid');

    const page = await journey.newPage();
    await logInAs(page, stack, 'qianyu');
    await page.getByText('订单', { exact: true }).last().click();
    await page.locator('.order-card').nth(1).waitFor();
    const states = () => page.locator('.order-card .order-state').allInnerTexts();

    await page.locator('.orders-tab', { hasText: '待支付' }).click();
    await waitForText(page.locator('.order-card .order-state'), '待支付');
    expect(await states()).toEqual(['待支付']);
    await page.locator('.orders-tab', { hasText: '已取货' }).click();
    await waitForText(page.locator('.orders-tab-empty'), '没有已取货的订单');

    // 待支付 is slow to come; meanwhile the neighbour picks 待取货.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/me\/orders\?.*stage=to_pay/, async (route) => {
      await held;
      await route.continue();
    });
    await page.locator('.orders-tab', { hasText: '待支付' }).click();
    await page.locator('.orders-tab', { hasText: '待取货' }).click();
    await waitForText(page.locator('.order-card .order-state'), '已支付');
    const stale = page.waitForResponse((res) => /stage=to_pay/.test(res.url()));
    release();
    await (await stale).finished();
    await page.waitForTimeout(300);
    expect(await states()).toEqual(['已支付']);
    await screenshot(page, 'journey-orders-tab.png');

    await page.locator('.orders-tab', { hasText: '全部' }).click();
    await page.locator('.order-card').nth(1).waitFor();
    expect(await states()).toEqual(['待支付', '已支付']);
  });

  it('scrolls 首页 past the first 20 group-buys to the last one', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const [pointId] = await pickupPoints(stack, auth, '华星', [
      { name: '华星自提点', address: '华星路 8 号', latitude: 30.2785, longitude: 120.1265 },
    ]);
    // 21 group-buys at this point, each cutting off after the one before.
    for (let i = 1; i <= 21; i++) {
      await liveGroupBuy(stack, auth, {
        product: `农家土鸡蛋 ${i}`,
        sku: '30枚',
        priceFen: 4_500,
        title: `土鸡蛋团 第${i}期`,
        groupPriceFen: 3_600,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pointId],
      });
    }
    await shopperAt(stack, 'hualing', pointId);

    const page = await journey.newPage();
    await logInAs(page, stack, 'hualing');
    await page.getByText('首页', { exact: true }).last().click();
    await page.locator('.campaign-card').nth(19).waitFor();
    expect(await page.getByText('土鸡蛋团 第21期', { exact: true }).count()).toBe(0);

    await page.locator('.campaign-card').last().scrollIntoViewIfNeeded();
    await waitForText(page.locator('.index-end'), '今天的团购都在这里了');
    await page.getByText('土鸡蛋团 第21期', { exact: true }).waitFor();
  });

  it('is shown the new amount, not charged it, when points are used elsewhere before paying', async () => {
    const { stack } = journey;
    const auth = await operator(stack);
    const [pointId] = await pickupPoints(stack, auth, '紫金港', [
      { name: '紫金港自提点', address: '余杭塘路 3 号', latitude: 30.2955, longitude: 120.0855 },
    ]);
    const campaign = await liveGroupBuy(stack, auth, {
      product: '临安山核桃',
      sku: '500克',
      priceFen: 5_900,
      title: '临安山核桃 500克',
      groupPriceFen: 4_900,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'zijin', pointId);
    const adjust = (points: number, key: string) =>
      stack.api(
        'POST',
        `/admin/members/${shopper.id}/points-adjustments`,
        { points, reason: points > 0 ? '新人礼包' : '积分更正' },
        { ...auth, 'idempotency-key': key },
      );
    await adjust(500, 'journey-zijin-gift');

    const page = await journey.newPage();
    await logInAs(page, stack, 'zijin');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    await page.locator('.campaign-detail-buy').click();
    // The points are there to use once the checkout has read them.
    await page.getByText('使用积分（可用 500）').waitFor();
    await page.locator('.checkout-points').click();
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥44.00');
    // While the checkout is open, 300 of the points are taken back.
    await adjust(-300, 'journey-zijin-fix');
    await page.locator('.checkout-submit').click();

    await waitForText(page.locator('.checkout-error'), '价格有变动，请确认新的应付金额后再提交');
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥47.00');
    await waitForText(page.getByText('使用积分（可用 200）'), '使用积分（可用 200）');
    const none = await stack.api<{ items: unknown[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(none.items).toEqual([]);

    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.order-card__payable').first(), '实付 ¥47.00');
    const orders = await stack.api<{ items: { state: string; payable: number }[] }>(
      'GET',
      '/me/orders',
      undefined,
      shopper.auth,
    );
    expect(orders.items).toEqual([expect.objectContaining({ state: 'paid', payable: 4_700 })]);
  });

  /** A neighbour on the checkout of a group-buy offered only at their new pickup point. */
  const atCheckout = async (pointName: string, neighbour: string) => {
    const { stack } = journey;
    const auth = await operator(stack);
    const [pointId] = await pickupPoints(stack, auth, pointName, [
      { name: `${pointName}自提点`, address: '丰潭路 1 号', latitude: 30.29, longitude: 120.1 },
    ]);
    const campaign = await liveGroupBuy(stack, auth, {
      product: '西湖藕粉',
      sku: '300克',
      priceFen: 3_600,
      title: '西湖藕粉 300克',
      groupPriceFen: 2_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, neighbour, pointId);

    const page = await journey.newPage();
    await logInAs(page, stack, neighbour);
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-submit'), '提交订单并支付 ¥28.00');
    return { stack, auth, page, campaignId: campaign.id, memberId: shopper.id };
  };

  it('is told a group-buy was withdrawn while its checkout was open, and on its page', async () => {
    const { stack, auth, page, campaignId } = await atCheckout('骆家庄', 'luojia');
    // Published by mistake: the operator takes it back before anyone has ordered.
    await stack.api('POST', `/admin/campaigns/${campaignId}/withdraw`, undefined, auth);
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.checkout-error'), '这个团购已下架，或不在你的自提点');

    await page.goBack();
    await waitForText(
      page.locator('.campaign-gone .placeholder__title'),
      '这个团购已下架，或不在你的自提点',
    );
    expect(await page.locator('.campaign-detail-buy').count()).toBe(0);
    await screenshot(page, 'journey-campaign-gone.png');
    await page.locator('.campaign-gone__home').click();
    await page.locator('.index-end, .placeholder__title').first().waitFor();
    expect(await page.getByText('西湖藕粉 300克').count()).toBe(0);
  });

  it('is told a group-buy was withdrawn while its order was being placed', async () => {
    const { stack, auth, page, campaignId, memberId } = await atCheckout('三墩', 'sandun');
    // The neighbour's order, priced already, waits for their quantity row, held here meanwhile.
    const holder = new Client({ connectionString: stack.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO campaign_member_quantities (campaign_id, member_id, quantity) VALUES ($1, $2, 0)`,
        [campaignId, memberId],
      );
      await page.locator('.checkout-submit').click();
      for (let tries = 0; ; tries++) {
        const { rows } = await holder.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0].waiting > 0) break;
        if (tries > 400) throw new Error('the order never waited for the held row');
        await new Promise((r) => setTimeout(r, 25));
      }
      await stack.api('POST', `/admin/campaigns/${campaignId}/withdraw`, undefined, auth);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await waitForText(page.locator('.checkout-error'), '这个团购已下架，或不在你的自提点');
  });

  it('may still pay an order, and is offered to, on a phone whose clock is 20 minutes fast', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '翠苑', [
      { name: '翠苑自提点', address: '翠苑路 3 号', latitude: 30.281, longitude: 120.121 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '安吉白茶',
      sku: '50g',
      priceFen: 8_800,
      title: '安吉白茶 团购',
      groupPriceFen: 6_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'xiaozhou', pointId);
    // 15 minutes to pay, by the BFF's clock; the phone thinks they are over.
    const order = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      { ...shopper.auth, 'idempotency-key': 'journey-fast-clock-order' },
    );
    const page = await journey.newPage();
    await page.clock.install({ time: Date.now() + 20 * 60_000 });
    await logInAs(page, stack, 'xiaozhou');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${order.id}`);
    await page.locator('.order-pay__button').waitFor({ timeout: 10_000 });
    expect(await page.getByText('已过支付时间').count()).toBe(0);
  });
});
