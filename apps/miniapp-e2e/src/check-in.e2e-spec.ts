import { addBusinessDays, businessDay } from '@linli/domain';
import { logInAs, openMine, useJourney } from './support/journey';
import { screenshot, waitForText } from './support/screen';
import { member } from './support/stack';

describe('journey: a neighbour checks in every day', () => {
  const journey = useJourney();

  it('checks in on the third day in a row, earns the streak bonus and sees it in the calendar and the wallet', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'sunmei');
    // The two days before, checked in as the BFF records them.
    const { id } = await member(stack, 'sunmei');
    const today = businessDay(new Date());
    for (const [daysAgo, streak] of [
      [2, 1],
      [1, 2],
    ]) {
      await stack.sql(
        `INSERT INTO check_ins (member_id, day, streak, points, growth) VALUES ($1, $2, $3, 5, 1)`,
        [id, addBusinessDays(today, -daysAgo), streak],
      );
    }

    await page.locator('.mine-check-in-link').click();
    await waitForText(page.locator('.check-in-head__days'), '2');
    await waitForText(page.locator('.check-in-head__next'), '再连续签到 1 天，额外得 10 积分');
    // Today's check-in is the one that earns the bonus: the button counts it.
    await waitForText(page.locator('.check-in-button'), '签到 +15 积分');
    await waitForText(
      page.locator('.check-in-rules'),
      '每日签到 +5 积分 · +1 成长值；连续签到第 3 天再 +10，第 7 天再 +30，之后重新计算',
    );
    await page.locator('.check-in-button').click();
    await waitForText(page.locator('.check-in-button'), '今日已签到');
    await waitForText(page.locator('.check-in-head__days'), '3');
    await waitForText(page.locator('.check-in-head__result'), '今日获得 15 积分 · 1 成长值');
    await waitForText(page.locator('.check-in-head__next'), '再连续签到 4 天，额外得 30 积分');
    await waitForText(
      page.locator('.check-in-day.is-today.is-checked .check-in-day__points'),
      '+15',
    );
    await screenshot(page, 'journey-check-in.png');

    // Back a month and forward again; there is no month after this one.
    const month = (offset: number) => {
      const [year, monthNumber] = today.split('-').map(Number);
      const shifted = new Date(Date.UTC(year, monthNumber - 1 + offset, 1));
      return `${shifted.getUTCFullYear()}年${shifted.getUTCMonth() + 1}月`;
    };
    await page.locator('.check-in-calendar__prev').click();
    await waitForText(page.locator('.check-in-calendar__title'), month(-1));
    await page.locator('.check-in-calendar__next').click();
    await waitForText(page.locator('.check-in-calendar__title'), month(0));
    await page.locator('.check-in-calendar__next').click();
    await page.waitForTimeout(300);
    await waitForText(page.locator('.check-in-calendar__title'), month(0));

    await openMine(page, stack);
    await page.locator('.mine-points-link').click();
    await waitForText(page.locator('.points-balance__available'), '15');
    await waitForText(page.locator('.points-entry__reason').first(), '连续签到 3 天');
  });

  it('shows today as done when the neighbour already checked in on another phone', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'laozhou');
    await page.locator('.mine-check-in-link').click();
    await waitForText(page.locator('.check-in-button'), '签到 +5 积分');

    const { auth } = await member(stack, 'laozhou');
    await stack.api('POST', '/me/check-ins', undefined, auth);

    await page.locator('.check-in-button').click();
    await waitForText(page.locator('.check-in-button'), '今日已签到');
    await waitForText(
      page.locator('.check-in-day.is-today.is-checked .check-in-day__points'),
      '+5',
    );
    expect(await page.locator('.check-in-error').count()).toBe(0);
    await waitForText(page.locator('.check-in-head__result'), '今日获得 5 积分');
  });

  it('shows today as done, and what it earned, when the answer to the check-in was lost', async () => {
    const { stack } = journey;
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaoxu');
    await page.locator('.mine-check-in-link').click();
    await waitForText(page.locator('.check-in-button'), '签到 +5 积分');
    // The check-in reaches the BFF; its answer never reaches the phone.
    await page.route(
      (url) => url.pathname === '/api/v1/me/check-ins',
      async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        await route.fetch();
        await route.abort('connectionreset');
      },
    );
    await page.locator('.check-in-button').click();
    await waitForText(page.locator('.check-in-button'), '今日已签到');
    await waitForText(page.locator('.check-in-head__result'), '今日获得 5 积分');
    expect(await page.locator('.check-in-error').count()).toBe(0);
  });
});
