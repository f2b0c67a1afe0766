import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { member, operator } from './support/stack';

describe('journey: a neighbour opens the 会员 tab', () => {
  const journey = useJourney();

  it('shows the tier, the way to the next one, a member QR code and the benefits of every tier', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'zhaoyi');
    await page.getByText('会员', { exact: true }).last().click();

    await waitForText(page.locator('.member-card__tier'), '普通会员');
    await waitForText(page.locator('.member-card__next'), '再获得 500 成长值升级为银卡会员');
    const qr = page.locator('.member-qr img');
    await qr.waitFor({ state: 'visible' });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/gif;base64,/);
    expect(await page.locator('.benefits-row:not(.benefits-head)').count()).toBe(4);
    await waitForText(page.locator('.benefits-row.is-current .benefits-cell').first(), '普通会员');

    const { id: memberId } = await member(stack, 'zhaoyi');
    await stack.api(
      'POST',
      `/admin/members/${memberId}/tier`,
      { tier: 'gold', until: '2099-12-31', reason: '社区合伙人' },
      await operator(stack),
    );

    await page.getByText('我的', { exact: true }).last().click();
    await page.getByText('会员', { exact: true }).last().click();
    await waitForText(page.locator('.member-card__tier'), '金卡会员');
    await waitForText(page.locator('.benefits-row.is-current .benefits-cell').first(), '金卡会员');
    await waitForText(
      page.locator('.member-history__change').first(),
      '普通会员 → 金卡会员（平台设置）',
    );
    await screenshot(page, 'journey-member-card.png');
  });
});
