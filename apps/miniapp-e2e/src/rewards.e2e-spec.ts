import { logInAs, openMine, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { createCoupon } from './support/group-buys';
import { member, operator } from './support/stack';

describe('journey: a neighbour spends points in the 积分商城', () => {
  const journey = useJourney();

  /**
   * An operator offers a no-minimum coupon of `amountFen` for points, and gives the neighbour
   * `name` points to spend; the neighbour's member id.
   */
  const offerAndGive = async (
    reward: {
      name: string;
      amountFen: number;
      pointsCost: number;
      stock: number;
      perMemberLimit: number;
    },
    name: string,
    points: number,
  ): Promise<string> => {
    const { stack } = journey;
    const admin = await operator(stack);
    const couponId = await createCoupon(stack, admin, {
      name: `${reward.amountFen / 100} 元无门槛券`,
      amountFen: reward.amountFen,
      minSpendFen: 0,
    });
    const { amountFen: _amountFen, ...offered } = reward;
    await stack.api('POST', '/admin/rewards', { ...offered, couponId }, admin);
    const { id } = await member(stack, name);
    await stack.api(
      'POST',
      `/admin/members/${id}/points-adjustments`,
      { points, reason: '社区活动' },
      { ...admin, 'idempotency-key': `journey-rewards-points-${name}` },
    );
    return id;
  };

  it('redeems a coupon for points, sees the balance drop and the coupon under 我的优惠券', async () => {
    const { stack } = journey;
    await offerAndGive(
      { name: '10 元券', amountFen: 1_000, pointsCost: 500, stock: 3, perMemberLimit: 2 },
      'zhoujie',
      600,
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'zhoujie');
    await page.locator('.mine-points-link').click();
    await page.locator('.points-rewards-link').click();
    await waitForText(page.locator('.rewards-balance__value'), '600');
    await waitForText(page.locator('.reward__name'), '10 元券');
    await waitForText(page.locator('.reward__meta'), '剩 3 份 · 每人限 2 份');
    await screenshot(page, 'journey-rewards.png');
    await page.locator('.reward-redeem').click();
    await waitForText(page.locator('.taro-modal__title'), '用 500 积分兑换？');
    await page.locator('.taro-modal__foot').getByText('确定', { exact: true }).click();
    await page.getByText('兑换成功，已放入我的优惠券', { exact: true }).waitFor();
    await waitForText(page.locator('.rewards-balance__value'), '100');
    await waitForText(page.locator('.reward__meta'), '剩 2 份 · 每人限 2 份');
    await waitForText(page.locator('.reward-redeem'), '积分不足');

    await openMine(page, stack);
    await page.locator('.mine-coupons-link').click();
    await waitForText(page.locator('.coupon__name'), '10 元无门槛券');
    await waitForText(page.locator('.coupon__amount'), '¥10.00');
  });

  it('counts a redemption whose answer was lost as made, and makes the next 兑换 a new one', async () => {
    const { stack } = journey;
    const id = await offerAndGive(
      { name: '3 元券', amountFen: 300, pointsCost: 100, stock: 10, perMemberLimit: 3 },
      'wushu',
      500,
    );
    const page = await journey.newPage();
    await logInAs(page, stack, 'wushu');
    await page.goto(`${stack.h5Url}/#/subpackages/member/rewards/index`);
    const bag = page.locator('.reward').filter({ hasText: '3 元券' });
    await bag.waitFor();
    // The first redemption reaches the BFF, but its answer never reaches the phone.
    let lost = false;
    await page.route(
      (url) => url.pathname === '/api/v1/me/redemptions',
      async (route) => {
        if (lost || route.request().method() !== 'POST') return route.fallback();
        lost = true;
        await route.fetch();
        await route.abort('connectionreset');
      },
    );
    const redeem = async () => {
      await bag.locator('.reward-redeem').click();
      await page.locator('.taro-modal__foot').getByText('确定', { exact: true }).click();
    };
    await redeem();
    await page.getByText('兑换成功，已放入我的优惠券', { exact: true }).waitFor();
    await waitForText(page.locator('.rewards-balance__value'), '400');
    // Asked for on purpose, the second is a second.
    await redeem();
    await waitForText(page.locator('.rewards-balance__value'), '300');
    const made = (await stack.sql(
      `SELECT count(*)::int AS n FROM redemptions WHERE member_id = $1`,
      [id],
    )) as { n: number }[];
    expect(made[0].n).toBe(2);
  });
});
