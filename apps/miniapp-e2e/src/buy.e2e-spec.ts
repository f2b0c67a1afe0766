import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { JOURNEY_ADMIN } from './support/stack';

describe('journey: a neighbour buys a group-buy with points', () => {
  const journey = useJourney();

  it('chooses a pickup point, checks out with points, pays and sees the order', async () => {
    const { stack } = journey;
    const { accessToken: admin } = await stack.api<{ accessToken: string }>(
      'POST',
      '/admin/auth/login',
      JOURNEY_ADMIN,
    );
    const auth = { authorization: `Bearer ${admin}` };
    // A community, a pickup point and a live campaign, as an operator would set them up.
    const product = await stack.api<{ skus: { id: string }[] }>(
      'POST',
      '/admin/products',
      { name: '赣南脐橙', skus: [{ name: '5斤装', priceFen: 3_990 }] },
      auth,
    );
    const now = Date.now();
    const campaign = await stack.api<{ id: string }>(
      'POST',
      '/admin/campaigns',
      {
        skuId: product.skus[0].id,
        title: '赣南脐橙 5斤装 团购',
        groupPriceFen: 2_990,
        stock: 50,
        perMemberLimit: 3,
        minBuyers: 2,
        startsAt: new Date(now - 3_600_000).toISOString(),
        cutsOffAt: new Date(now + 86_400_000).toISOString(),
        pickupDate: new Date(now + 3 * 86_400_000).toISOString().slice(0, 10),
      },
      auth,
    );
    await stack.api('POST', `/admin/campaigns/${campaign.id}/publish`, undefined, auth);
    await stack.sql(
      `WITH c AS (INSERT INTO communities (name, city) VALUES ('阳光花园', '杭州') RETURNING id)
       INSERT INTO pickup_points (community_id, name, address, latitude, longitude) SELECT id, '阳光花园东门自提点', '文三路 88 号', 30.2772, 120.1276 FROM c`,
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'liuma');
    const { member } = await stack.api<{ member: { id: string } }>('POST', '/auth/wechat-login', {
      code: 'dev:liuma',
    });
    await stack.api(
      'POST',
      `/admin/members/${member.id}/points-adjustments`,
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
    await page.locator('.campaign-card__title').first().click();
    await waitForText(page.locator('.campaign-detail-title'), '赣南脐橙 5斤装 团购');
    await waitForText(page.locator('.campaign-detail__card .campaign-price'), '¥29.90');
    await screenshot(page, 'journey-campaign.png');
    await page.locator('.campaign-detail-buy').click();

    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥29.90');
    await page.locator('.checkout-points').click();
    await waitForText(page.locator('.checkout-points-row .checkout-row__value'), '-¥5.00');
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥24.90');
    await screenshot(page, 'journey-checkout.png');
    await page.locator('.checkout-submit').click();

    await waitForText(page.locator('.order-state').first(), '已支付');
    await waitForText(page.locator('.order-card__payable').first(), '实付 ¥24.90');
    await screenshot(page, 'journey-order-paid.png');
    const orders = await stack.api<{ items: { state: string; pointsUsed: number }[] }>(
      'GET',
      '/me/orders',
      undefined,
      {
        authorization: `Bearer ${(await stack.api<{ accessToken: string }>('POST', '/auth/wechat-login', { code: 'dev:liuma' })).accessToken}`,
      },
    );
    expect(orders.items).toEqual([expect.objectContaining({ state: 'paid', pointsUsed: 500 })]);
  });
});
