import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { pickupPoints, shopperAt } from './support/pickup-points';
import { createCoupon, liveGroupBuy } from './support/group-buys';
import { operator } from './support/stack';

describe('journey: a neighbour checks out with a coupon', () => {
  const journey = useJourney();

  it('finds the coupon under 我的优惠券, applies it once the basket reaches its minimum, and sees it used', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '翠苑一区', [
      { name: '翠苑一区自提点', address: '翠苑路 1 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const { id: campaignId } = await liveGroupBuy(stack, admin, {
      product: '舟山带鱼',
      sku: '1斤',
      priceFen: 2_500,
      title: '舟山带鱼 团购',
      groupPriceFen: 1_990,
      perMemberLimit: 5,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    const shopper = await shopperAt(stack, 'wangjie', pointId);
    const couponId = await createCoupon(stack, admin, {
      name: '满 30 减 5',
      amountFen: 500,
      minSpendFen: 3_000,
    });
    await stack.api(
      'POST',
      `/admin/coupons/${couponId}/issue`,
      { memberIds: [shopper.id] },
      { ...admin, 'idempotency-key': 'journey-coupon-issue' },
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'wangjie');
    await page.locator('.mine-coupons-link').click();
    await waitForText(page.locator('.coupon__name'), '满 30 减 5');
    await waitForText(page.locator('.coupon__amount'), '¥5.00');
    await waitForText(page.locator('.coupon__condition'), '满¥30.00可用');

    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${campaignId}`);
    await page.locator('.campaign-detail-buy').click();
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥19.90');
    await page.locator('.checkout-coupon').getByText('¥5.00 · 满 30 减 5').click();
    await waitForText(page.locator('.checkout-coupon-hint'), '满¥30.00可用，再多买一点就能用');
    expect(await page.locator('.checkout-submit').getAttribute('class')).toContain('disabled');
    await page.locator('.checkout-quantity .nut-inputnumber-add').click();
    await waitForText(page.locator('.checkout-coupon-row .checkout-row__value'), '-¥5.00');
    await waitForText(page.locator('.checkout-payable .checkout-row__value'), '¥34.80');
    await screenshot(page, 'journey-checkout-coupon.png');
    await page.locator('.checkout-submit').click();
    await waitForText(page.locator('.order-card__payable').first(), '实付 ¥34.80');

    await page.getByText('我的', { exact: true }).last().click();
    await page.locator('.mine-coupons-link').click();
    await waitForText(page.locator('.coupons-tab').nth(1), '已使用 1');
    await waitForText(page.locator('.coupons-hint'), '暂无可用的优惠券');
  });

  it('moves a coupon the operator withdraws to 已过期, marked as stopped', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '翠苑二区', [
      { name: '翠苑二区自提点', address: '翠苑路 2 号', latitude: 30.2781, longitude: 120.1282 },
    ]);
    const shopper = await shopperAt(stack, 'liuqiang', pointId);
    const couponId = await createCoupon(stack, admin, {
      name: '满 50 减 20',
      amountFen: 2_000,
      minSpendFen: 5_000,
    });
    const tomorrowsId = await createCoupon(
      stack,
      admin,
      { name: '明日 满 40 减 8', amountFen: 800, minSpendFen: 4_000 },
      30,
      86_400_000,
    );
    for (const id of [couponId, tomorrowsId])
      await stack.api(
        'POST',
        `/admin/coupons/${id}/issue`,
        { memberIds: [shopper.id] },
        { ...admin, 'idempotency-key': `journey-coupon-withdrawn-issue-${id}` },
      );
    const page = await journey.newPage();
    await logInAs(page, stack, 'liuqiang');
    await page.locator('.mine-coupons-link').click();
    await waitForText(page.locator('.coupons-tab').first(), '可使用 2');
    // The coupon of tomorrow says so.
    await page
      .locator('.coupon')
      .filter({ hasText: '明日 满 40 减 8' })
      .locator('.coupon__valid')
      .filter({ hasText: /^未生效 · / })
      .waitFor();

    await stack.api(
      'POST',
      `/admin/coupons/${couponId}/withdraw`,
      { reason: '面额设置错误' },
      admin,
    );
    // The neighbour is told, and the notice opens 我的优惠券.
    await page.goto(`${stack.h5Url}/#/subpackages/member/notifications/index`);
    await waitForText(page.locator('.notice__title'), '优惠券已停用');
    await page.locator('.notice').filter({ hasText: '优惠券已停用' }).click();
    await waitForText(page.locator('.coupons-tab').first(), '可使用 1');
    await page.locator('.coupons-tab').nth(2).click();
    await waitForText(page.locator('.coupon__name'), '满 50 减 20');
    await page
      .locator('.coupon__valid')
      .filter({ hasText: /^已于 .+ 停用$/ })
      .waitFor();
    await screenshot(page, 'journey-coupon-withdrawn.png');
  });
});
