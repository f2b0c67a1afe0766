import { logInAs, useJourney } from './support/journey';
import { waitForText } from './support/screen';
import { pickupPoints, pointLedBy, shopperAt } from './support/pickup-points';
import { liveGroupBuy } from './support/group-buys';
import { operator } from './support/stack';

describe('journey: a neighbour taps twice in a hurry', () => {
  const journey = useJourney();

  it('opens the checkout and the order once: one 返回 brings them back', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '西溪', [
      { name: '西溪自提点', address: '西溪路 5 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const campaign = await liveGroupBuy(stack, admin, {
      product: '径山茶',
      sku: '100g',
      priceFen: 9_800,
      title: '径山茶 团购',
      groupPriceFen: 7_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'xiaoyang', pointId);
    await stack.api(
      'POST',
      '/orders',
      { items: [{ campaignId: campaign.id, quantity: 1 }] },
      { ...shopper.auth, 'idempotency-key': 'journey-double-tap-order' },
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaoyang');
    await page.getByText('首页', { exact: true }).last().click();
    await page.locator('.campaign-card__buy').dblclick();
    await waitForText(page.locator('.checkout-card__title'), '径山茶 团购');
    await page.goBack();
    await page.locator('.campaign-card__buy').waitFor();
    expect(page.url()).toContain('/pages/index/index');

    await page.getByText('订单', { exact: true }).last().click();
    const listed = page.locator('.order-card').filter({ has: page.locator('.order-card__head') });
    await listed.dblclick();
    await waitForText(page.locator('.order-detail-state'), '待支付');
    await page.goBack();
    await listed.waitFor();
    expect(page.url()).toContain('/pages/orders/index');
  });

  it('opens 核销提货 once from the leader’s 工作台: one 返回 brings them back', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    await pointLedBy(
      stack,
      admin,
      '蒋村',
      { name: '蒋村自提点', address: '蒋村街 8 号', latitude: 30.28, longitude: 120.09 },
      { name: 'jiangshifu', realName: '蒋师傅' },
    );
    const page = await journey.newPage();
    await logInAs(page, stack, 'jiangshifu');
    await page.goto(`${stack.h5Url}/#/subpackages/leader/dashboard/index`);
    await page.locator('.dashboard-verify').dblclick();
    await page.locator('.leader-verify').waitFor();
    await page.goBack();
    await page.locator('.dashboard-verify').waitFor();
    expect(page.url()).toContain('/subpackages/leader/dashboard/index');
  });
});
