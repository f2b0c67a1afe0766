import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { groupBuy, pickedUpOrder } from './support/group-buys';
import { member, operator } from './support/stack';

describe('journey: a neighbour reviews what they picked up', () => {
  const journey = useJourney();

  it('rates and writes a review on the order, earns the points and sees the review kept', async () => {
    const { stack } = journey;
    const orderId = await pickedUpOrder(stack, {
      community: '文三新村',
      point: { name: '文三新村自提点', address: '文三路 8 号' },
      leader: { name: 'qianshu', nickname: '钱叔' },
      product: '临安山核桃',
      sku: '500g',
      priceFen: 6_800,
      groupPriceFen: 5_900,
      shopper: 'xiaochen',
    });

    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaochen');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${orderId}`);
    await waitForText(page.locator('.order-detail-state'), '已取货');
    await page.locator('.review-open').click();
    // Four stars of five.
    await page.locator('.review-rating .nut-rate-item').nth(3).click();
    await page.locator('.review-text textarea').fill('核桃很香，壳也好剥');
    await screenshot(page, 'journey-review.png');
    await page.locator('.review-submit').click();
    await page.getByText('评价成功 +10 积分', { exact: true }).waitFor();
    await waitForText(page.locator('.review-stars'), '★★★★☆');
    await waitForText(page.locator('.review-shown'), '核桃很香，壳也好剥');
    expect(await page.locator('.review-open').count()).toBe(0);

    const { auth } = await member(stack, 'xiaochen');
    const wallet = await stack.api<{ available: number }>('GET', '/me/points', undefined, auth);
    expect(wallet.available).toBe(10);

    // The walnuts are offered again: the next group-buy shows neighbours what was said of them.
    const admin = await operator(stack);
    const order = await stack.api<{ lines: { campaignId: string }[] }>(
      'GET',
      `/me/orders/${orderId}`,
      undefined,
      auth,
    );
    const before = await stack.api<{ skuId: string; pickupPointIds: string[] }>(
      'GET',
      `/admin/campaigns/${order.lines[0].campaignId}`,
      undefined,
      admin,
    );
    const again = await groupBuy(stack, admin, {
      skuId: before.skuId,
      title: '临安山核桃 再团',
      pickupPointId: before.pickupPointIds[0],
    });
    await page.goto(`${stack.h5Url}/#/subpackages/shop/campaign/index?id=${again}`);
    const reviews = page.locator('.neighbour-reviews');
    await waitForText(reviews.locator('.campaign-detail__heading'), '邻居评价（1）');
    await waitForText(reviews.locator('.neighbour-reviews__average'), '★ 4.0');
    await waitForText(reviews.locator('.neighbour-review__who'), 'x**');
    await waitForText(reviews.locator('.neighbour-review__stars'), '★★★★☆');
    await waitForText(reviews.locator('.neighbour-review__text'), '核桃很香，壳也好剥');
    await reviews.scrollIntoViewIfNeeded();
    await screenshot(page, 'journey-neighbour-reviews.png');
  });
});
