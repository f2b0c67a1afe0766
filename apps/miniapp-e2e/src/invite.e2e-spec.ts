import { logInAs, logInInPlace, openMine, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { member } from './support/stack';

describe('journey: a neighbour invites another through 邀请有礼', () => {
  const journey = useJourney();

  it('shares the invite link; the neighbour who joins from it counts as invited', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'zhangsan');
    await page.locator('.mine-invite-link').click();
    await waitForText(
      page.locator('.invite-head__rules'),
      '邻居通过你的链接加入邻里，首单取货后：你得 100 积分，邻居得 50 积分，售后期结束后到账；邻居取到的货全部退款的，奖励收回',
    );
    await waitForText(page.locator('.invite-invited'), '0');
    const code = (await page.locator('.invite-head__code').innerText()).replace('邀请码 ', '');
    expect(code).toMatch(/^[A-Z0-9]{6,}$/);
    await page.locator('.invite-share').click();
    await page.getByText('链接已复制，发给邻居一起加入邻里', { exact: true }).waitFor();
    await screenshot(page, 'journey-invite.png');

    // The neighbour opens the shared link on their own phone and joins.
    const neighbour = await journey.newPage();
    await neighbour.goto(`${stack.h5Url}#/pages/index/index?inviter=${code}`);
    await logInInPlace(neighbour, 'lisi');
    const { auth } = await member(stack, 'zhangsan');
    const invite = await stack.api<{ invited: number }>('GET', '/me/invite', undefined, auth);
    expect(invite.invited).toBe(1);

    await openMine(page, stack);
    await page.locator('.mine-invite-link').click();
    await waitForText(page.locator('.invite-invited'), '1');
    await waitForText(page.locator('.invite-month'), '每月最多奖励 10 位邻居，本月已奖励 0 位');
  });
});
