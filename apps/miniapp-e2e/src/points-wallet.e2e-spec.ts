import { logInAs, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { member, operator } from './support/stack';
import { holdNextAnswer } from './support/network';

describe('journey: a neighbour checks their points after an operator adjusts them', () => {
  const journey = useJourney();

  it('shows the balance and history the API reports', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'wangayi');

    const { id: memberId } = await member(stack, 'wangayi');
    const auth = await operator(stack);
    await stack.api(
      'POST',
      `/admin/members/${memberId}/points-adjustments`,
      { points: 300, reason: '新人礼包' },
      { ...auth, 'idempotency-key': 'journey-credit-1' },
    );
    const after = await stack.api<{ available: number }>(
      'POST',
      `/admin/members/${memberId}/points-adjustments`,
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
    await waitForText(page.locator('.points-empty'), '暂无过期记录');
    await page.getByText('全部', { exact: true }).click();
    await waitForText(page.locator('.points-entry__amount').first(), '-50');
  });

  it('loads older entries as the neighbour scrolls, also after changing the filter mid-load', async () => {
    const { stack } = journey;
    const { id: memberId } = await member(stack, 'zhaoli');
    const admin = await operator(stack);
    // One more entry than a page holds; the oldest says so.
    for (let i = 0; i < 21; i++) {
      await stack.api(
        'POST',
        `/admin/members/${memberId}/points-adjustments`,
        { points: 1, reason: i === 0 ? '最早的一笔' : `活动奖励 ${i}` },
        { ...admin, 'idempotency-key': `journey-scroll-${i}` },
      );
    }
    const page = await journey.newPage();
    await logInAs(page, stack, 'zhaoli');
    await page.locator('.mine-points-link').click();
    await page.locator('.points-entry').nth(19).waitFor();
    expect(await page.locator('.points-entry').count()).toBe(20);

    // The next page is slow to come; meanwhile the neighbour picks another filter.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/me\/points\/entries\?.*cursor=/, async (route) => {
      await held;
      await route.continue();
    });
    await page.locator('.points-entry').last().scrollIntoViewIfNeeded();
    await waitForText(page.locator('.points-hint').last(), '加载更多…');
    await page.getByText('调整', { exact: true }).click();
    await page.locator('.points-entry').nth(19).waitFor();
    const stale = page.waitForResponse((res) => /cursor=/.test(res.url()));
    release();
    await page.unroute(/\/me\/points\/entries\?.*cursor=/);
    // The held page of 全部 arrives after 调整 was chosen; given time to take it in, the page
    // still shows the first page of 调整 alone.
    await (await stale).finished();
    await page.waitForTimeout(300);
    expect(await page.locator('.points-entry').count()).toBe(20);
    expect(await page.getByText('没有更多了', { exact: true }).count()).toBe(0);

    // Up a little, then down to the end again.
    await page.locator('.points-entry').nth(10).scrollIntoViewIfNeeded();
    await page.locator('.points-entry').last().scrollIntoViewIfNeeded();
    await waitForText(page.locator('.points-hint').last(), '没有更多了');
    expect(await page.locator('.points-entry').count()).toBe(21);
    await waitForText(page.locator('.points-entry__reason').last(), '最早的一笔');
  });

  it('shows the balance read last, though an older reading comes back after it', async () => {
    const { stack } = journey;
    const { id: memberId } = await member(stack, 'sunjiang');
    const admin = await operator(stack);
    const adjust = (points: number, key: string) =>
      stack.api(
        'POST',
        `/admin/members/${memberId}/points-adjustments`,
        { points, reason: '活动' },
        { ...admin, 'idempotency-key': key },
      );
    await adjust(500, 'journey-late-wallet-credit');
    const page = await journey.newPage();
    await logInAs(page, stack, 'sunjiang');
    // The first reading of the wallet is slow to come back; the points change meanwhile and the
    // page, opened again, reads them again.
    const release = await holdNextAnswer(page, '/api/v1/me/points');
    await page.locator('.mine-points-link').click();
    await adjust(-300, 'journey-late-wallet-debit');
    await page.goBack();
    await page.locator('.mine-points-link').click();
    await waitForText(page.locator('.points-balance__available').last(), '200');
    release();
    await page.waitForTimeout(1_000);
    await waitForText(page.locator('.points-balance__available').last(), '200');
  });

  it('clears the error of a page of entries that failed once the next try loads', async () => {
    const { stack } = journey;
    const { id: memberId } = await member(stack, 'zhouqin');
    const admin = await operator(stack);
    for (let i = 0; i < 21; i++) {
      await stack.api(
        'POST',
        `/admin/members/${memberId}/points-adjustments`,
        { points: 1, reason: `签到补发 ${i}` },
        { ...admin, 'idempotency-key': `journey-load-more-${i}` },
      );
    }
    const page = await journey.newPage();
    await logInAs(page, stack, 'zhouqin');
    await page.locator('.mine-points-link').click();
    await page.locator('.points-entry').nth(19).waitFor();
    // The next page fails once.
    let failed = false;
    await page.route(/\/me\/points\/entries\?.*cursor=/, async (route) => {
      if (failed) return route.continue();
      failed = true;
      await route.abort('connectionreset');
    });
    await page.locator('.points-entry').last().scrollIntoViewIfNeeded();
    await page.locator('.points-error').waitFor();
    await page.locator('.points-entry').nth(10).scrollIntoViewIfNeeded();
    await page.locator('.points-entry').last().scrollIntoViewIfNeeded();
    await waitForText(page.locator('.points-hint').last(), '没有更多了');
    expect(await page.locator('.points-entry').count()).toBe(21);
    expect(await page.locator('.points-error').count()).toBe(0);
  });
});
