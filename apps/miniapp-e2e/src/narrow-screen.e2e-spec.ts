import type { Locator } from 'playwright-core';
import { logInAs, useJourney } from './support/journey';
import { expectPicture, screenshot, waitForText } from './support/screen';
import { approveLeader, pickupPoints, shopperAt } from './support/pickup-points';
import { cutOffAndDispatch, liveGroupBuy, paidOrder } from './support/group-buys';
import { operator } from './support/stack';

/** How many lines the text of an element takes on screen. */
function linesOf(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const rects = Array.from(range.getClientRects()).filter((rect) => rect.width > 0);
    return new Set(rects.map((rect) => Math.round(rect.top))).size;
  });
}

const POINT = '翠苑一区西门菜鸟驿站旁边的邻里便利店自提点（文三路公交站对面）';
const TITLE = '千岛湖有机鱼头 2斤装 新鲜现杀 冰鲜直达 次日送到自提点 团购特惠';

describe('journey: long names on a 375 px phone', () => {
  const journey = useJourney();

  it('keeps each short label on one line beside a long pickup point or group-buy name', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '翠苑',
      [{ name: POINT, address: '翠苑路 1 号', latitude: 30.2772, longitude: 120.1276 }],
      { leaders: false },
    );
    await approveLeader(stack, admin, pointId, 'wuayi', '吴阿姨');
    const delivered = await liveGroupBuy(stack, admin, {
      product: '千岛湖鱼头',
      sku: '2斤',
      priceFen: 4_800,
      title: TITLE,
      groupPriceFen: 3_900,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
    });
    await liveGroupBuy(stack, admin, {
      product: '龙井虾仁',
      sku: '300g',
      priceFen: 8_800,
      title: '龙井虾仁 团购',
      groupPriceFen: 6_800,
      perMemberLimit: 2,
      minBuyers: 1,
      pickupPointIds: [pointId],
      images: [`${stack.h5Url}/demo-media/orange.svg`],
    });
    // An order of the fish heads, cut off and on the lorry to the pickup point.
    const shopper = await shopperAt(stack, 'xiaoqian', pointId);
    const orderId = await paidOrder(stack, shopper.auth, delivered.id, 'journey-narrow-order');
    await cutOffAndDispatch(stack, admin, delivered.id);

    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaoqian');
    await page.getByText('首页', { exact: true }).last().click();
    // Beside its picture, a card's stock and countdown each stay whole.
    const pictured = page.locator('.campaign-card').filter({ hasText: '龙井虾仁 团购' });
    await expectPicture(pictured.locator('.campaign-card-cover img'));
    await screenshot(page, 'journey-narrow-home.png');
    for (const part of await pictured.locator('.campaign-stock__meta > *').all())
      expect(await linesOf(part)).toBe(1);
    await page.locator('.campaign-card__buy').first().click();
    await waitForText(page.locator('.checkout-card__title'), '龙井虾仁 团购');
    await page.locator('.checkout-payable').waitFor();
    await screenshot(page, 'journey-narrow-checkout.png');
    expect(await linesOf(page.locator('.checkout-pickup > :first-child'))).toBe(1);

    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${orderId}`);
    await waitForText(page.locator('.order-detail-state'), '配送中');
    await screenshot(page, 'journey-narrow-order.png');
    const pointRow = page.locator('.order-row').filter({ hasText: POINT });
    expect(await linesOf(pointRow.locator(':scope > :first-child'))).toBe(1);

    const leaderPage = await journey.newPage();
    await logInAs(leaderPage, stack, 'wuayi');
    await leaderPage.locator('.mine-leader-link').click();
    const batchState = leaderPage.locator('.leader-dashboard .leader-accent').first();
    await waitForText(batchState, '已发车');
    await screenshot(leaderPage, 'journey-narrow-dashboard.png');
    expect(await linesOf(batchState)).toBe(1);
    await leaderPage.locator('.dashboard-deliveries').click();
    await waitForText(leaderPage.locator('.delivery-state'), '已发车');
    expect(await linesOf(leaderPage.locator('.delivery-state'))).toBe(1);
  });
});
