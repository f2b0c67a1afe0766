import { useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { pickupPoints, shopperAt } from './support/pickup-points';
import { liveGroupBuy } from './support/group-buys';
import { operator } from './support/stack';

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

  it('is asked on 订单 to log in, not told they have no orders', async () => {
    const page = await journey.newPage();
    await page.goto(`${journey.stack.h5Url}/#/pages/orders/index`);
    await page.locator('.log-in-first__go').waitFor({ timeout: 10_000 });
    expect(await page.getByText('还没有订单').count()).toBe(0);
    await page.locator('.log-in-first__go').click();
    await page.locator('.mine-login').waitFor();
  });
});
