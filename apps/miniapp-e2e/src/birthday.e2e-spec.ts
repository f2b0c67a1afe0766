import { businessDay } from '@linli/domain';
import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { member, operator } from './support/stack';

describe('journey: a neighbour sets their birthday and gets the gift on the day', () => {
  const journey = useJourney();

  it('picks the birthday on 我的, confirms it, and cannot change it again this year', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaoyu');
    await waitForText(page.locator('.mine-birthday-link .nut-cell-extra'), '设置生日，领生日礼');

    await page.locator('.mine-birthday-link').click();
    await page.locator('.weui-picker__action').getByText('确定', { exact: true }).click();
    await waitForText(page.locator('.taro-modal__title'), '生日设为1月1日？');
    await screenshot(page, 'journey-birthday-confirm.png');
    await page.locator('.taro-modal__foot').getByText('确定', { exact: true }).click();
    await waitForText(page.locator('.mine-birthday-link .nut-cell-extra'), '1月1日');

    const { auth } = await member(stack, 'xiaoyu');
    const me = await stack.api<{ birthday: string; birthdayChangeableFrom: string }>(
      'GET',
      '/me',
      undefined,
      auth,
    );
    expect(me.birthday).toBe('1990-01-01');

    // Changing it again is for next year: the neighbour is told from when.
    await page.locator('.mine-birthday-link').click();
    await page.getByText(`${me.birthdayChangeableFrom} 起可以修改`, { exact: true }).waitFor();
    expect(await page.locator('.weui-picker').isVisible()).toBe(false);
  });

  it('does not offer a birthday set before as unset when 我的 could not read it', async () => {
    const { stack } = journey;
    const { auth } = await member(stack, 'xiaomei');
    await stack.api('PUT', '/me/birthday', { birthday: '1990-05-17' }, auth);
    const page = await journey.newPage();
    // Reading the member's own record fails once, just after logging in.
    let failed = false;
    await page.route(
      (url) => url.pathname === '/api/v1/me',
      async (route) => {
        if (failed || route.request().method() !== 'GET') return route.continue();
        failed = true;
        await route.abort('connectionreset');
      },
    );
    await logInAs(page, stack, 'xiaomei');
    await waitForText(page.locator('.mine-birthday-link .nut-cell-extra'), '—');
    await page.locator('.mine-birthday-link').click();
    await page.waitForTimeout(500);
    expect(await page.locator('.weui-picker').isVisible()).toBe(false);
    // Shown again, 我的 reads it.
    await page.getByText('订单', { exact: true }).last().click();
    await page.getByText('我的', { exact: true }).last().click();
    await waitForText(page.locator('.mine-birthday-link .nut-cell-extra'), '5月17日');
  });

  it('tells the neighbour whose birthday is today of the gift, which is in the wallet', async () => {
    const { stack } = journey;
    const { auth } = await member(stack, 'laoli');
    const today = businessDay(new Date());
    await stack.api('PUT', '/me/birthday', { birthday: `1970${today.slice(4)}` }, auth);
    await stack.api(
      'POST',
      '/admin/jobs/give-birthday-gifts/run',
      undefined,
      await operator(stack),
    );

    const page = await journey.newPage();
    await logInAs(page, stack, 'laoli');
    await page.locator('.mine-notifications-link').click();
    await waitForText(page.locator('.notice__title').first(), '生日快乐');
    await page.locator('.notice').first().click();
    await waitForText(page.locator('.points-balance__available'), '50');
    await waitForText(page.locator('.points-entry__reason').first(), '生日礼');
  });
});
