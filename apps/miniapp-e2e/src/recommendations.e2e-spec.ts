import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { groupBuy, paidOrder } from './support/group-buys';
import { pickupPoints, shopperAt } from './support/pickup-points';
import { operator, type Stack } from './support/stack';

type Headers = Record<string, string>;

/** A product of one SKU, as an operator adds it: the SKU's id. */
async function product(stack: Stack, admin: Headers, name: string): Promise<string> {
  const created = await stack.api<{ skus: { id: string }[] }>(
    'POST',
    '/admin/products',
    { name, skus: [{ name: '一份', priceFen: 2_990 }] },
    admin,
  );
  return created.skus[0].id;
}

describe('journey: 猜你喜欢 on 首页', () => {
  const journey = useJourney();

  it('shows a neighbour who bought oranges the eggs that others who bought oranges also bought, and opens them', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(stack, admin, '枫华府第', [
      { name: '枫华府第自提点', address: '丰潭路 8 号', latitude: 30.2772, longitude: 120.1276 },
    ]);
    const sku = {
      oranges: await product(stack, admin, '赣南脐橙'),
      eggs: await product(stack, admin, '土鸡蛋'),
      rice: await product(stack, admin, '五常大米'),
    };
    const last = async (skuId: string, title: string) =>
      groupBuy(stack, admin, { skuId, title, pickupPointId: pointId });
    const earlier = {
      oranges: await last(sku.oranges, '上周的赣南脐橙'),
      eggs: await last(sku.eggs, '上周的土鸡蛋'),
      rice: await last(sku.rice, '上周的五常大米'),
    };
    // Last week xiaomei bought oranges; laozhang oranges and eggs; three others rice.
    const xiaomei = await shopperAt(stack, 'xiaomei', pointId);
    const laozhang = await shopperAt(stack, 'laozhang', pointId);
    await paidOrder(stack, xiaomei.auth, earlier.oranges, 'journey-reco-xiaomei-oranges');
    await paidOrder(stack, laozhang.auth, earlier.oranges, 'journey-reco-laozhang-oranges');
    await paidOrder(stack, laozhang.auth, earlier.eggs, 'journey-reco-laozhang-eggs');
    for (const name of ['aqiang', 'xiaoli', 'dawei']) {
      const neighbour = await shopperAt(stack, name, pointId);
      await paidOrder(stack, neighbour.auth, earlier.rice, `journey-reco-${name}-rice`);
    }
    await stack.sql(
      `UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`,
      [Object.values(earlier)],
    );
    const eggs = await last(sku.eggs, '土鸡蛋 本周团');
    await last(sku.rice, '五常大米 本周团');

    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaomei');
    await page.getByText('首页', { exact: true }).last().click();
    const card = page.locator('.recommendation');
    await waitForText(card.nth(0).locator('.recommendation__title'), '土鸡蛋 本周团');
    await waitForText(card.nth(0).locator('.recommendation__reason'), '邻居也在买');
    await waitForText(card.nth(0).locator('.recommendation__price'), '¥19.90');
    await waitForText(card.nth(1).locator('.recommendation__title'), '五常大米 本周团');
    await waitForText(card.nth(1).locator('.recommendation__reason'), '热卖');
    expect(await card.count()).toBe(2);
    await screenshot(page, 'journey-recommendations.png');

    await card.nth(0).click();
    await waitForText(page.locator('.campaign-detail-title'), '土鸡蛋 本周团');
    expect(page.url()).toContain(`id=${eggs}`);
  });

  it('keeps 首页 whole when the suggestions cannot be loaded', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await page.route(
      (url) => url.pathname === '/api/v1/me/recommendations',
      (route) => route.abort('connectionreset'),
    );
    await logInAs(page, stack, 'xiaomei');
    await page.getByText('首页', { exact: true }).last().click();
    await waitForText(page.locator('.campaign-card__title').first(), '土鸡蛋 本周团');
    expect(await page.locator('.recommendations').count()).toBe(0);
    expect(await page.locator('.load-failed').count()).toBe(0);
  });
});
