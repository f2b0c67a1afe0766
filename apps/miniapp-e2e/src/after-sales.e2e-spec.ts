import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { pickedUpOrder } from './support/group-buys';

describe('journey: a neighbour asks for money back after picking up', () => {
  const journey = useJourney();

  it('is offered only the units not already asked for while a request waits for review', async () => {
    const { stack } = journey;
    // Two fish heads bought, delivered and picked up.
    const orderId = await pickedUpOrder(stack, {
      community: '德胜新村',
      point: { name: '德胜新村自提点', address: '德胜路 6 号' },
      leader: { name: 'sunayi', nickname: '孙阿姨' },
      product: '千岛湖鱼头',
      sku: '2斤',
      priceFen: 4_800,
      groupPriceFen: 3_900,
      shopper: 'xiaozhou',
      quantity: 2,
    });

    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaozhou');
    await page.goto(`${stack.h5Url}/#/subpackages/shop/order/index?id=${orderId}`);
    await waitForText(page.locator('.order-detail-state'), '已取货');

    // One of the two was bad: ¥39 is more than is refunded without review, so it waits.
    const add = page.locator('.refund-quantity .nut-inputnumber-add');
    await add.click();
    await page.locator('.refund-reason textarea').fill('有一个鱼头不新鲜');
    await page.locator('.refund-submit').click();
    await page.getByText('已提交', { exact: true }).waitFor({ timeout: 10_000 });
    await waitForText(page.locator('.refund-status'), '审核中');

    // The other one is all there is left to ask for: 5 typed in is 1, as the box shows.
    await page.locator('.refund-quantity input').fill('5');
    await page.locator('.refund-quantity input').blur();
    expect(await page.locator('.refund-quantity input').inputValue()).toBe('1');
    await page.locator('.refund-reason textarea').fill('另一个也不新鲜');
    await page.locator('.refund-submit').click();
    await page.locator('.refund-item').nth(1).waitFor({ timeout: 10_000 });
    expect(await page.locator('.refund-status').allInnerTexts()).toEqual(['审核中', '审核中']);

    // Both units are asked for: nothing is left to request until the operator decides.
    await page.locator('.refund-form').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('.order-error').count()).toBe(0);
    await screenshot(page, 'journey-after-sales-pending.png');
  });

  it('asks once for a refund whose answer was lost, though the order read again meanwhile failed', async () => {
    const { stack } = journey;
    const orderId = await pickedUpOrder(stack, {
      community: '翠苑一区',
      point: { name: '翠苑一区自提点', address: '翠苑路 2 号' },
      leader: { name: 'qianayi', nickname: '钱阿姨' },
      product: '舟山带鱼',
      sku: '1斤',
      priceFen: 4_800,
      groupPriceFen: 3_900,
      shopper: 'xiaowu',
      quantity: 3,
    });
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaowu');
    const orderPage = `${stack.h5Url}/#/subpackages/shop/order/index?id=${orderId}`;
    await page.goto(orderPage);
    await waitForText(page.locator('.order-detail-state'), '已取货');

    // The request is made, but its answer is lost on the way back.
    const refunds = (url: URL) => url.pathname.endsWith(`/orders/${orderId}/refunds`);
    await page.route(refunds, async (route) => {
      if (route.request().method() === 'POST') await route.fetch();
      await route.abort('connectionreset');
    });
    await page.locator('.refund-quantity .nut-inputnumber-add').click();
    await page.locator('.refund-reason textarea').fill('有一条带鱼不新鲜');
    await page.locator('.refund-submit').click();
    await page.locator('.order-error').waitFor();
    // The shopper leaves and comes back while the refunds cannot be read either.
    await page.goto(`${stack.h5Url}/#/pages/orders/index`);
    await page.goBack();
    await page.locator('.order-error').waitFor();
    await page.unroute(refunds);
    // They ask again, the same.
    if ((await page.locator('.refund-quantity input').inputValue()) === '0')
      await page.locator('.refund-quantity .nut-inputnumber-add').click();
    await page.locator('.refund-reason textarea').fill('有一条带鱼不新鲜');
    await page.locator('.refund-submit').click();
    await page.locator('.refund-item').first().waitFor({ timeout: 10_000 });
    const asked = await stack.sql(`SELECT id FROM refund_requests WHERE order_id = $1`, [orderId]);
    expect(asked).toHaveLength(1);
    expect(await page.locator('.refund-item').count()).toBe(1);
  });
});
