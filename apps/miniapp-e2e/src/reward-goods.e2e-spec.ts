import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { pointLedBy, shopperAt } from './support/pickup-points';
import { operator, type Stack } from './support/stack';

/**
 * A pickup point with its leader, goods in the 积分商城 (one each), and a neighbour of the point
 * holding points.
 */
async function goodsOnOffer(
  stack: Stack,
  setup: {
    community: string;
    point: { name: string; address: string; latitude: number; longitude: number };
    leader: { name: string; realName: string };
    goods: { name: string; pointsCost: number };
    shopper: { name: string; points: number };
  },
): Promise<void> {
  const admin = await operator(stack);
  const { pointId } = await pointLedBy(stack, admin, setup.community, setup.point, setup.leader);
  await stack.api(
    'POST',
    '/admin/rewards',
    { kind: 'goods', ...setup.goods, stock: 10, perMemberLimit: 1 },
    admin,
  );
  const shopper = await shopperAt(stack, setup.shopper.name, pointId);
  await stack.api(
    'POST',
    `/admin/members/${shopper.id}/points-adjustments`,
    { points: setup.shopper.points, reason: '社区活动' },
    { ...admin, 'idempotency-key': `journey-goods-points-${setup.shopper.name}` },
  );
}

describe('journey: a neighbour trades points for goods and collects them from the leader', () => {
  const journey = useJourney();

  it('redeems goods in the 积分商城, is told when they arrive, and the leader hands them over against the code', async () => {
    const { stack } = journey;
    await goodsOnOffer(stack, {
      community: '文鼎苑',
      point: { name: '文鼎苑自提点', address: '文一路 9 号', latitude: 30.29, longitude: 120.11 },
      leader: { name: 'sunayi', realName: '孙阿姨' },
      goods: { name: '环保购物袋', pointsCost: 300 },
      shopper: { name: 'wuxiaomei', points: 500 },
    });

    // The neighbour redeems the bag; 我的兑换 shows it on its way, with the pickup code.
    const page = await journey.newPage();
    await logInAs(page, stack, 'wuxiaomei');
    await page.goto(`${stack.h5Url}/#/subpackages/member/rewards/index`);
    await waitForText(page.locator('.reward__name'), '环保购物袋');
    await waitForText(page.locator('.reward__condition'), '自提点领取');
    await page.locator('.reward-redeem').click();
    await waitForText(page.locator('.taro-modal__title'), '用 300 积分兑换？');
    await page.locator('.taro-modal__foot').getByText('确定', { exact: true }).click();
    await page.getByText('兑换成功，到货后凭提货码领取', { exact: true }).waitFor();
    await waitForText(page.locator('.rewards-balance__value'), '200');
    await waitForText(
      page.locator('.redemption__status'),
      '待到货，到货后凭提货码到「文鼎苑自提点」领取',
    );
    const code = (await page.locator('.redemption__code').innerText()).replace('提货码 ', '');
    expect(code).toMatch(/^\d{8}$/);
    await screenshot(page, 'journey-reward-goods-redeemed.png');

    // The bag arrives: the leader, told on the dashboard, confirms it on 到货确认.
    const leaderPage = await journey.newPage();
    await logInAs(leaderPage, stack, 'sunayi');
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/dashboard/index`);
    await waitForText(
      leaderPage.locator('.dashboard-rewards'),
      '积分好礼：0 件待领取 · 1 件待到货',
    );
    await waitForText(leaderPage.locator('.dashboard-deliveries .nut-cell-extra'), '1 件好礼待到');
    await leaderPage.locator('.dashboard-deliveries').click();
    await waitForText(leaderPage.locator('.reward-arrival__name'), '环保购物袋 x1');
    await screenshot(leaderPage, 'journey-reward-goods-arriving.png');
    await leaderPage.locator('.reward-arrived').click();
    await leaderPage.locator('.taro-model__confirm').click();
    await leaderPage.locator('.reward-arrival').waitFor({ state: 'detached' });

    // The neighbour is told, and the notice opens the mall with the code.
    await page.goto(`${stack.h5Url}/#/subpackages/member/notifications/index`);
    await waitForText(page.locator('.notice__title'), '兑换的好礼到货啦');
    await page.locator('.notice').filter({ hasText: '兑换的好礼到货啦' }).click();
    await waitForText(page.locator('.redemption__status'), '已到「文鼎苑自提点」，凭提货码领取');

    // The leader sees it waiting at 核销提货, types the code in and hands the bag over.
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/verify/index`);
    await waitForText(leaderPage.locator('.verify-ready-rewards .order-line__title'), '环保购物袋');
    await leaderPage.locator('.verify-code-input input').fill(code);
    await leaderPage.locator('.verify-submit').click();
    const result = leaderPage.locator('.verify-result').filter({ hasText: '核销成功' });
    await result.waitFor({ state: 'visible', timeout: 10_000 });
    await waitForText(result.locator('.verify-reward .order-line__title'), '环保购物袋');
    await screenshot(leaderPage, 'journey-reward-goods-verified.png');
    await leaderPage.locator('.verify-ready-rewards').waitFor({ state: 'detached' });

    await page.goto(`${stack.h5Url}/#/subpackages/member/rewards/index`);
    await waitForText(page.locator('.redemption__status'), '已在「文鼎苑自提点」领取');
    expect(await page.locator('.redemption__code').count()).toBe(0);
  });

  it('takes back goods still on their way in 我的兑换, and the points come back', async () => {
    const { stack } = journey;
    await goodsOnOffer(stack, {
      community: '翠苑',
      point: { name: '翠苑自提点', address: '文二路 18 号', latitude: 30.28, longitude: 120.12 },
      leader: { name: 'zhoushifu', realName: '周师傅' },
      goods: { name: '竹制砧板', pointsCost: 400 },
      shopper: { name: 'zhengxiaoyu', points: 600 },
    });

    const page = await journey.newPage();
    await logInAs(page, stack, 'zhengxiaoyu');
    await page.goto(`${stack.h5Url}/#/subpackages/member/rewards/index`);
    const board = page.locator('.reward').filter({ hasText: '竹制砧板' });
    await board.locator('.reward-redeem').click();
    await page.locator('.taro-modal__foot').getByText('确定', { exact: true }).click();
    await waitForText(page.locator('.rewards-balance__value'), '200');
    // The leader has 到货确认 open with the board on its way.
    const leaderPage = await journey.newPage();
    await logInAs(leaderPage, stack, 'zhoushifu');
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/deliveries/index`);
    await waitForText(leaderPage.locator('.reward-arrival__name'), '竹制砧板 x1');

    await page.locator('.redemption-cancel').click();
    await waitForText(page.locator('.taro-modal__title'), '取消这次兑换？');
    await page.locator('.taro-modal__foot').getByText('确定', { exact: true }).click();
    await page.getByText('已取消，退回 400 积分', { exact: true }).first().waitFor();
    await waitForText(page.locator('.rewards-balance__value'), '600');
    await waitForText(page.locator('.redemption__status'), '已取消，退回 400 积分');
    expect(await page.locator('.redemption__code').count()).toBe(0);
    expect(await page.locator('.redemption-cancel').count()).toBe(0);
    // The limit counts it no more: the board offers the goods again.
    await waitForText(board.locator('.reward-redeem'), '兑换');
    await screenshot(page, 'journey-reward-goods-cancelled.png');
    // 我的积分 says where the points went and why they came back.
    await page.goto(`${stack.h5Url}/#/subpackages/member/points/index`);
    await waitForText(page.locator('.points-entry__title').first(), '兑换取消退回');
    await waitForText(page.locator('.points-entry__title').nth(1), '积分兑换');

    // The leader confirms it late, and is told it was taken back.
    await leaderPage.locator('.reward-arrived').click();
    await leaderPage.locator('.taro-model__confirm').click();
    await leaderPage.getByText('邻居已取消这次兑换，无需发放', { exact: true }).waitFor();
    await leaderPage.locator('.reward-arrival').waitFor({ state: 'detached' });
  });
});
