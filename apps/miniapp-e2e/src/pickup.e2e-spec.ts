import type { Locator, Route } from 'playwright-core';
import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { cutOffAndDispatch, liveGroupBuy, paidOrder } from './support/group-buys';
import { approveLeader, pickupPoints, pointLedBy, shopperAt } from './support/pickup-points';
import { operator } from './support/stack';

const HOUR_MS = 3_600_000;

describe('journey: a leader hands over an order at the pickup point', () => {
  const journey = useJourney();

  it('confirms the delivery, verifies the pickup code, and the shopper sees the order picked up', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    // 周阿姨 applies to run the new pickup point, the operator approves, and she shops there too.
    const { pointId } = await pointLedBy(
      stack,
      admin,
      '翠苑',
      { name: '翠苑一区自提点', address: '翠苑路 1 号', latitude: 30.28, longitude: 120.13 },
      { name: 'zhouayi', realName: '周阿姨' },
    );

    // A neighbour buys; the group-buy cuts off, forms, and the goods arrive.
    const product = await stack.api<{ skus: { id: string }[] }>(
      'POST',
      '/admin/products',
      { name: '千岛湖鱼头', skus: [{ name: '2斤', priceFen: 4_800 }] },
      admin,
    );
    const now = Date.now();
    const pickupDate = new Date(now + 24 * HOUR_MS).toISOString().slice(0, 10);
    const campaign = await stack.api<{ id: string }>(
      'POST',
      '/admin/campaigns',
      {
        skuId: product.skus[0].id,
        title: '千岛湖鱼头 团购',
        groupPriceFen: 3_900,
        stock: 20,
        perMemberLimit: 2,
        minBuyers: 1,
        startsAt: new Date(now - HOUR_MS).toISOString(),
        cutsOffAt: new Date(now + HOUR_MS).toISOString(),
        pickupDate,
      },
      admin,
    );
    await stack.api('POST', `/admin/campaigns/${campaign.id}/publish`, undefined, admin);
    const shopper = await shopperAt(stack, 'xiaochen', pointId);
    await paidOrder(stack, shopper.auth, campaign.id, 'journey-pickup-order');
    await cutOffAndDispatch(stack, admin, campaign.id);
    // The supplier is a day late: the operator moves pickup, and the leader and buyer are told.
    const movedTo = new Date(now + 48 * HOUR_MS).toISOString().slice(0, 10);
    await stack.api(
      'POST',
      `/admin/campaigns/${campaign.id}/pickup-date`,
      { pickupDate: movedTo, reason: '鱼头晚一天到' },
      admin,
    );

    // The leader was told the goods were sent, and reads why they come later in their messages,
    // which open their deliveries.
    const leaderPage = await journey.newPage();
    await logInAs(leaderPage, stack, 'zhouayi');
    await leaderPage.locator('.mine-notifications-link').click();
    await waitForText(leaderPage.locator('.notice__title'), '有一批货已发出');
    await waitForText(leaderPage.locator('.notice__title'), '到货时间有调整');
    await leaderPage.locator('.notice').filter({ hasText: '到货时间有调整' }).click();
    await leaderPage
      .locator('.delivery')
      .filter({ hasText: `提货日 ${movedTo}` })
      .waitFor();

    // The goods arrive: the leader confirms the batch on the deliveries page the notice opened.
    await leaderPage.locator('.delivery-receive').click();
    await leaderPage
      .locator('.taro-modal__text', {
        hasText: /（1 笔订单）已到自提点？确认后，货已到齐的订单会通知邻居取货。$/,
      })
      .waitFor();
    await leaderPage.locator('.taro-model__confirm').click();
    await waitForText(leaderPage.locator('.delivery-state'), '已到货');
    await screenshot(leaderPage, 'journey-pickup-received.png');

    // The shopper's phone shows the pickup code.
    const shopperPage = await journey.newPage();
    await logInAs(shopperPage, stack, 'xiaochen');
    await shopperPage.getByText('订单', { exact: true }).last().click();
    await waitForText(shopperPage.locator('.order-state').first(), '待取货');
    await shopperPage.locator('.order-card').first().click();
    const code = (await shopperPage.locator('.order-pickup-code').innerText()).replace(/\s/g, '');
    expect(code).toMatch(/^\d{8}$/);
    await waitForText(shopperPage.locator('.order-pickup-point'), '翠苑一区自提点');
    await waitForText(shopperPage.locator('.order-pickup-date'), movedTo);
    // The QR fills its square, as the member code's does, so it sits centred under 提货码.
    const fit = await shopperPage.locator('.pickup__qr').evaluate((square) => {
      const outer = square.getBoundingClientRect();
      const image = square.querySelector('img')?.getBoundingClientRect();
      return image && { width: image.width / outer.width, left: image.left - outer.left };
    });
    expect(fit).toEqual({ width: 1, left: 0 });
    await screenshot(shopperPage, 'journey-pickup-code.png');

    // The leader types it in at the pickup point.
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/verify/index`);
    await leaderPage.locator('.verify-code-input input').fill(code);
    await leaderPage.locator('.verify-submit').click();
    await leaderPage
      .locator('.verify-result')
      .filter({ hasText: '核销成功' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(leaderPage, 'journey-pickup-verified.png');

    // The commission for it now waits out the after-sales window.
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/commission/index`);
    await waitForText(leaderPage.locator('.commission-entry .leader-muted').last(), '售后期');
    await screenshot(leaderPage, 'journey-pickup-commission.png');

    // Back on the shopper's phone the order is picked up.
    await shopperPage.goto(`${stack.h5Url}/#/pages/orders/index`);
    await waitForText(shopperPage.locator('.order-state').first(), '已取货');
    await screenshot(shopperPage, 'journey-pickup-done.png');
  });

  it('hands over a pasted list of pickup codes, leaving in the box those not handed over', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '文三',
      [{ name: '文三自提点', address: '文三路 8 号', latitude: 30.277, longitude: 120.131 }],
      { leaders: false },
    );
    const leader = await approveLeader(stack, admin, pointId, 'sunjie', '孙姐');
    const eggs = await liveGroupBuy(stack, admin, {
      product: '土鸡蛋',
      sku: '30枚',
      priceFen: 3_600,
      title: '土鸡蛋 团购',
      groupPriceFen: 2_990,
      perMemberLimit: 5,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    for (const [i, name] of ['wangsao', 'liushu', 'chenjie'].entries()) {
      const shopper = await shopperAt(stack, name, pointId);
      await paidOrder(stack, shopper.auth, eggs.id, `journey-batch-${i}`);
    }
    const batchId = await cutOffAndDispatch(stack, admin, eggs.id);
    await stack.api('POST', `/leader/deliveries/${batchId}/receive`, undefined, leader.auth);
    const codes = (
      (await stack.sql(
        `SELECT pickup_code FROM orders WHERE pickup_point_id = $1 ORDER BY created_at`,
        [pointId],
      )) as { pickup_code: string }[]
    ).map((o) => o.pickup_code);
    const wrong = codes.includes('00000000') ? '00000001' : '00000000';

    // The codes neighbours sent in the group chat, one written as their page shows it, one
    // mistyped and one short of a digit.
    const page = await journey.newPage();
    await logInAs(page, stack, 'sunjie');
    await page.goto(`${stack.h5Url}/#/subpackages/leader/verify/index`);
    await page.locator('.verify-ready .verify-order').nth(2).waitFor();
    const box = page.locator('.verify-batch-input textarea');
    await box.fill(
      [codes[0], `${codes[1].slice(0, 4)} ${codes[1].slice(4)}`, wrong, '1234567', codes[2]].join(
        '\n',
      ),
    );
    await waitForText(
      page.locator('.verify-batch-malformed'),
      '“1234567”不是 8 位数字的提货码，不会核销',
    );
    await waitForText(page.locator('.verify-batch-submit'), '核销 4 个提货码');
    await page.locator('.verify-batch-submit').click();

    await waitForText(
      page.locator('.verify-batch-left'),
      '1 个提货码未核销，已留在框里，核对后再试',
    );
    expect(await box.inputValue()).toBe(`${wrong}\n1234567`);
    expect(await page.locator('.verify-result').filter({ hasText: '核销成功' }).count()).toBe(3);
    await waitForText(page.locator('.verify-error .leader-card__title'), wrong);
    await waitForText(page.locator('.verify-ready .leader-empty'), '货都取完了');
    await screenshot(page, 'journey-leader-batch-verify.png');
  });

  it.each([
    {
      lost: 'the connection was reset',
      point: { name: '古荡自提点', address: '古墩路 6 号', latitude: 30.281, longitude: 120.112 },
      leader: { name: 'zhoujie', realName: '周姐' },
      shopper: 'wuge',
      lose: (route: Route) => route.abort('connectionreset'),
    },
    {
      lost: 'a gateway answered with its own 504 page',
      point: { name: '古荡北自提点', address: '古墩路 8 号', latitude: 30.283, longitude: 120.113 },
      leader: { name: 'qianjie', realName: '钱姐' },
      shopper: 'liuge',
      lose: (route: Route) =>
        route.fulfill({ status: 504, contentType: 'text/html', body: '<h1>Gateway Time-out</h1>' }),
    },
  ])(
    'says 核销成功 when the leader taps again after the answer to a verification was lost ($lost)',
    async ({ point, leader: leaderName, shopper: shopperName, lose }) => {
      const { stack } = journey;
      const admin = await operator(stack);
      const { pointId, leader } = await pointLedBy(stack, admin, '古荡', point, leaderName);
      const rice = await liveGroupBuy(stack, admin, {
        product: '五常大米',
        sku: '5 公斤',
        priceFen: 9_900,
        title: '五常大米 团购',
        groupPriceFen: 8_900,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pointId],
      });
      const shopper = await shopperAt(stack, shopperName, pointId);
      const orderId = await paidOrder(
        stack,
        shopper.auth,
        rice.id,
        `journey-lost-verify-${shopperName}`,
      );
      const batchId = await cutOffAndDispatch(stack, admin, rice.id);
      await stack.api('POST', `/leader/deliveries/${batchId}/receive`, undefined, leader.auth);
      const [{ pickup_code: code }] = (await stack.sql(
        `SELECT pickup_code FROM orders WHERE id = $1`,
        [orderId],
      )) as { pickup_code: string }[];

      const page = await journey.newPage();
      await logInAs(page, stack, leaderName.name);
      await page.goto(`${stack.h5Url}/#/subpackages/leader/verify/index`);
      // The goods are handed over, but the answer is lost on the way back.
      const verifying = (url: URL) => url.pathname.endsWith('/leader/pickups/verify');
      await page.route(verifying, async (route) => {
        await route.fetch();
        await lose(route);
      });
      await page.locator('.verify-code-input input').fill(code);
      await page.locator('.verify-submit').click();
      await page.locator('.verify-error').waitFor();
      await page.unroute(verifying);
      await page.locator('.verify-code-input input').fill(code);
      await page.locator('.verify-submit').click();
      const latest = page.locator('.verify-result').first();
      await waitForText(latest.locator('.leader-card__title'), code);
      await waitForText(latest.locator('.verify-ok, .leader-muted'), '核销成功');
    },
  );

  it('shows a leader every waiting order, delivery and withdrawal as they scroll past the first page', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '古荡',
      [{ name: '古荡自提点', address: '古荡路 5 号', latitude: 30.279, longitude: 120.125 }],
      { leaders: false },
    );
    const leader = await approveLeader(stack, admin, pointId, 'lilaoshi', '李老师');
    const walnuts = await liveGroupBuy(stack, admin, {
      product: '临安山核桃',
      sku: '500g',
      priceFen: 6_800,
      title: '山核桃 团购',
      groupPriceFen: 5_800,
      perMemberLimit: 30,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    // One order more than a page holds arrives at the point.
    const shopper = await shopperAt(stack, 'zhangsao', pointId);
    for (let i = 0; i < 21; i++) {
      await paidOrder(stack, shopper.auth, walnuts.id, `journey-waiting-${i}`);
    }
    const batchId = await cutOffAndDispatch(stack, admin, walnuts.id);
    await stack.api('POST', `/leader/deliveries/${batchId}/receive`, undefined, leader.auth);
    // Twenty later group-buys are being packed for the point.
    const later: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const { id } = await liveGroupBuy(stack, admin, {
        product: `龙井茶 ${i}`,
        sku: '100g',
        priceFen: 9_800,
        title: `龙井茶 第${i}期`,
        groupPriceFen: 8_800,
        perMemberLimit: 2,
        minBuyers: 1,
        pickupPointIds: [pointId],
      });
      later.push(id);
    }
    await stack.sql(
      `INSERT INTO delivery_batches (campaign_id, pickup_point_id) SELECT unnest($1::uuid[]), $2`,
      [later, pointId],
    );
    // 21 withdrawals asked for over the past days, the oldest of ¥10.20.
    await stack.sql(
      `INSERT INTO commission_withdrawals (pickup_point_id, leader_member_id, amount_fen, created_at)
       SELECT $1, $2, 1000 + i, now() - i * interval '1 hour' FROM generate_series(0, 20) AS i`,
      [pointId, leader.id],
    );

    // 21 goods from the rewards mall on their way to the point, the oldest redeemed first.
    const [bag] = (await stack.sql(
      `INSERT INTO rewards (kind, name, points_cost, stock_total, stock_left, per_member_limit)
       VALUES ('goods', '帆布袋', 100, 100, 79, 30) RETURNING id`,
    )) as { id: string }[];
    await stack.sql(
      `INSERT INTO redemptions (reward_id, member_id, quantity, points, pickup_point_id, pickup_state,
         pickup_code, created_at)
       SELECT $1, $2, 1, 100, $3, 'awaiting_delivery', lpad(i::text, 8, '0'), now() - (21 - i) * interval '1 minute'
       FROM generate_series(0, 20) AS i`,
      [bag.id, shopper.id, pointId],
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'lilaoshi');
    const swipeUp = async () => {
      await page.mouse.move(187, 400);
      await page.mouse.wheel(0, 20_000);
    };

    /** A list of 21 shows a page of 20, and the last once the leader scrolls to its end. */
    const scrolledThrough = async (items: Locator, end: Locator) => {
      await items.nth(19).waitFor();
      expect(await items.count()).toBe(20);
      await swipeUp();
      await waitForText(end, '没有更多了');
      expect(await items.count()).toBe(21);
    };

    await page.goto(`${stack.h5Url}/#/subpackages/leader/verify/index`);
    await scrolledThrough(
      page.locator('.verify-ready .verify-order'),
      page.locator('.verify-ready .leader-end'),
    );

    await page.goto(`${stack.h5Url}/#/subpackages/leader/deliveries/index`);
    const deliveries = page.locator('.delivery');
    await scrolledThrough(deliveries, page.locator('.leader-deliveries .leader-end'));
    // The oldest, received before the others were made, comes last.
    expect(await deliveries.last().innerText()).toContain('山核桃 团购');
    // Goods on their way: a page of them, then the rest on asking.
    const arriving = page.locator('.reward-arrival');
    expect(await arriving.count()).toBe(20);
    await page.locator('.reward-arrivals-more').click();
    await arriving.nth(20).waitFor();
    expect(await arriving.last().innerText()).toContain('尾号 0020');
    expect(await page.locator('.reward-arrivals-more').count()).toBe(0);

    await page.goto(`${stack.h5Url}/#/subpackages/leader/pick-lists/index`);
    const pickLists = page.locator('.pick-list');
    await scrolledThrough(pickLists, page.locator('.leader-pick-lists .leader-end'));
    expect(await pickLists.last().innerText()).toContain('临安山核桃');

    await page.goto(`${stack.h5Url}/#/subpackages/leader/commission/index`);
    const withdrawals = page.locator('.withdrawal');
    await withdrawals.nth(19).waitFor();
    expect(await withdrawals.count()).toBe(20);
    await page.locator('.withdrawals-more').click();
    await withdrawals.nth(20).waitFor();
    expect(await withdrawals.last().innerText()).toContain('¥10.20');
    expect(await page.locator('.withdrawals-more').count()).toBe(0);
    await screenshot(page, 'journey-leader-withdrawals-more.png');
  });

  it('lets a neighbour apply in the mini-program to run a new pickup point near them', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '翠苑三区',
      [{ name: '翠苑三区新自提点', address: '翠苑路 3 号', latitude: 30.2775, longitude: 120.128 }],
      { leaders: false },
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'qianshu');
    await page.locator('.mine-apply-link').click();
    await page.getByText('翠苑三区新自提点', { exact: true }).click();
    await waitForText(page.locator('.apply-point.is-chosen .leader-accent'), '已选');
    await page.locator('.apply-name input').fill('钱叔');
    await page.locator('.apply-phone input').fill('13912345678');
    await page.locator('.apply-submit').click();
    await waitForText(page.locator('.apply-status').first(), '审核中');
    await screenshot(page, 'journey-leader-apply.png');

    const { items: applications } = await stack.api<{
      items: { id: string; pickupPointId: string }[];
    }>('GET', '/admin/leader-applications?status=pending', undefined, admin);
    const application = applications.find((a) => a.pickupPointId === pointId);
    expect(application).toBeDefined();
    await stack.api('POST', `/admin/leader-applications/${application?.id}/approve`, {}, admin);
    await page.reload();
    await waitForText(page.locator('.leader-card__title').first(), '你的申请已通过');
  });
});
