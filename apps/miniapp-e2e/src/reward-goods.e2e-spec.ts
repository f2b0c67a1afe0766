import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { approveLeader, pickupPoints, shopperAt } from './support/pickup-points';
import { operator } from './support/stack';

describe('journey: a neighbour trades points for goods and collects them from the leader', () => {
  const journey = useJourney();

  it('redeems goods in the 积分商城, is told when they arrive, and the leader hands them over against the code', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '文鼎苑',
      [{ name: '文鼎苑自提点', address: '文一路 9 号', latitude: 30.29, longitude: 120.11 }],
      { leaders: false },
    );
    const leader = await approveLeader(stack, admin, pointId, 'sunayi', '孙阿姨');
    await stack.api('PUT', '/me/pickup-point', { pickupPointId: pointId }, leader.auth);
    await stack.api(
      'POST',
      '/admin/rewards',
      { kind: 'goods', name: '环保购物袋', pointsCost: 300, stock: 10, perMemberLimit: 1 },
      admin,
    );
    const shopper = await shopperAt(stack, 'wuxiaomei', pointId);
    await stack.api(
      'POST',
      `/admin/members/${shopper.id}/points-adjustments`,
      { points: 500, reason: '社区活动' },
      { ...admin, 'idempotency-key': 'journey-reward-goods-points' },
    );

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

    // The bag arrives: the leader confirms it on 到货确认.
    const leaderPage = await journey.newPage();
    await logInAs(leaderPage, stack, 'sunayi');
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/deliveries/index`);
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

    // The leader types the code in at 核销提货 and hands the bag over.
    await leaderPage.goto(`${stack.h5Url}/#/subpackages/leader/verify/index`);
    await leaderPage.locator('.verify-code-input input').fill(code);
    await leaderPage.locator('.verify-submit').click();
    const result = leaderPage.locator('.verify-result').filter({ hasText: '核销成功' });
    await result.waitFor({ state: 'visible', timeout: 10_000 });
    await waitForText(result.locator('.verify-reward .order-line__title'), '环保购物袋');
    await screenshot(leaderPage, 'journey-reward-goods-verified.png');

    await page.goto(`${stack.h5Url}/#/subpackages/member/rewards/index`);
    await waitForText(page.locator('.redemption__status'), '已在「文鼎苑自提点」领取');
    expect(await page.locator('.redemption__code').count()).toBe(0);
  });
});
