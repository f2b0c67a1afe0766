import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { pickupPoints, shopperAt } from './support/pickup-points';
import { liveGroupBuy } from './support/group-buys';
import { member, operator } from './support/stack';

describe('journey: a neighbour who is not logged in', () => {
  const journey = useJourney();

  it('opens a shared group-buy, logs in from it and is back on it; the same from a link to an order', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '城西银泰', [
      { name: '城西银泰自提点', address: '丰潭路 380 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '嘉兴粽子',
      sku: '10只装',
      priceFen: 5_900,
      title: '嘉兴粽子 团购',
      groupPriceFen: 4_500,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'laoxu', pointId);
    const order = await stack.api<{ id: string }>(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      { ...shopper.auth, 'idempotency-key': 'journey-logged-out-order' },
    );

    // A neighbour shares the group-buy in a chat; 老徐 opens it on a phone not logged in.
    const page = await journey.newPage();
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    await page.locator('.log-in-first__go').waitFor({ timeout: 10_000 });
    await screenshot(page, 'journey-logged-out-campaign.png');
    await page.locator('.log-in-first__go').click();
    await page.locator('.mine-name-input input').fill('laoxu');
    await page.locator('.mine-login').click();
    await waitForText(page.locator('.campaign-detail-title'), '嘉兴粽子 团购');

    // A message about the order, opened once the session has ended.
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${order.id}`);
    await page.reload();
    await page.locator('.log-in-first__go').click();
    await page.locator('.mine-name-input input').fill('laoxu');
    await page.locator('.mine-login').click();
    await waitForText(page.locator('.order-detail-state'), '待支付');
  });

  it("joins through a neighbour's shared group-buy and becomes the neighbour's invitee", async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '翠苑', [
      { name: '翠苑三区自提点', address: '翠苑路 3 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '临安山核桃',
      sku: '500g',
      priceFen: 8_800,
      title: '临安山核桃 团购',
      groupPriceFen: 6_800,
      perMemberLimit: 2,
      minBuyers: 3,
      pickupPointIds: [pointId],
    });
    const sharer = await shopperAt(stack, 'xiaomei', pointId);
    const { inviteCode } = await stack.api<{ inviteCode: string }>(
      'GET',
      '/me',
      undefined,
      sharer.auth,
    );

    // 小美 copies the group-buy's link for the building's chat.
    const sharing = await journey.newPage();
    await logInAs(sharing, stack, 'xiaomei');
    await sharing.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}`);
    await waitForText(sharing.locator('.campaign-detail-title'), '临安山核桃 团购');
    await sharing.locator('.campaign-detail-invite').click();
    await sharing.getByText('链接已复制，发给邻居一起参团').waitFor();
    const link = await sharing.evaluate(
      () => JSON.parse(localStorage.getItem('taro_clipboard') ?? '{}').data as string,
    );
    expect(link).toBe(
      `${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaign.id}&inviter=${inviteCode}`,
    );

    // 小新, new to Linli, opens it, logs in from it, chooses a pickup point from it and is back
    // on the group-buy each time.
    const joining = await journey.newPage();
    await joining.goto(link);
    await joining.locator('.log-in-first__go').click();
    await joining.locator('.mine-name-input input').fill('xiaoxin');
    await joining.locator('.mine-login').click();
    await waitForText(joining.locator('.placeholder__title'), '先选择你的自提点，再参团');
    // The group-buy's page opened from the link may still be on its way out behind the one
    // shown again: the newest is the last.
    await joining.locator('.campaign-choose-point').last().click();
    await joining
      .locator('.pickup-point')
      .filter({ hasText: '翠苑三区自提点' })
      .locator('.pickup-point__choose')
      .click();
    await waitForText(joining.locator('.campaign-detail-title'), '临安山核桃 团购');
    await screenshot(joining, 'journey-invited-campaign.png');
    const { id: joinedId } = await member(stack, 'xiaoxin');
    const joined = await stack.api<{ invitedBy: { id: string; nickname: string } | null }>(
      'GET',
      `/admin/members/${joinedId}`,
      undefined,
      admin,
    );
    expect(joined.invitedBy).toEqual({ id: sharer.id, nickname: 'xiaomei' });
  });

  it('is asked on 订单 to log in, not told they have no orders', async () => {
    const page = await journey.newPage();
    await page.goto(`${journey.stack.h5Url}/#/pages/orders/index`);
    await page.locator('.log-in-first__go').waitFor({ timeout: 10_000 });
    expect(await page.getByText('还没有订单').count()).toBe(0);
    await page.locator('.log-in-first__go').click();
    await page.locator('.mine-login').waitFor();
  });

  it('is asked to log in before applying to be a leader', async () => {
    const page = await journey.newPage();
    await page.goto(`${journey.stack.h5Url}/#/subpackages/leader/apply/index`);
    await page.locator('.log-in-first__go').waitFor({ timeout: 10_000 });
    expect(await page.locator('.apply-submit').count()).toBe(0);
  });
});
