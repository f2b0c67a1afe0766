import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { JOURNEY_ADMIN } from './support/stack';

describe('journey: a neighbour checks their points after an operator adjusts them', () => {
  const journey = useJourney();

  it('shows the balance and history the API reports', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'wangayi');

    const { member } = await stack.api<{ member: { id: string } }>('POST', '/auth/wechat-login', {
      code: 'dev:wangayi',
    });
    const { accessToken: admin } = await stack.api<{ accessToken: string }>(
      'POST',
      '/admin/auth/login',
      JOURNEY_ADMIN,
    );
    const auth = { authorization: `Bearer ${admin}` };
    await stack.api(
      'POST',
      `/admin/members/${member.id}/points-adjustments`,
      { points: 300, reason: '新人礼包' },
      { ...auth, 'idempotency-key': 'journey-credit-1' },
    );
    const after = await stack.api<{ available: number }>(
      'POST',
      `/admin/members/${member.id}/points-adjustments`,
      { points: -50, reason: '误发更正' },
      { ...auth, 'idempotency-key': 'journey-debit-1' },
    );
    expect(after.available).toBe(250);

    await page.locator('.mine-points-link').click();
    await waitForText(page.locator('.points-balance__available'), '250');
    await waitForText(page.locator('.points-entry__amount').first(), '-50');
    await waitForText(page.locator('.points-entry__reason').nth(1), '新人礼包');
    await waitForText(page.locator('.points-entry__amount').nth(1), '+300');
    await screenshot(page, 'journey-points-wallet.png');

    await page.getByText('过期', { exact: true }).click();
    await waitForText(page.locator('.points-empty'), '还没有积分记录，参加团购就能赚积分');
    await page.getByText('全部', { exact: true }).click();
    await waitForText(page.locator('.points-entry__amount').first(), '-50');
  });
});
