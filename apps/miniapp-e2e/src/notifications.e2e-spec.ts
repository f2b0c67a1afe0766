import { logInAs, useJourney } from './support/journey';
import { approveLeader, pickupPoints } from './support/pickup-points';
import { screenshot, waitForText } from './support/screen';
import { member, operator } from './support/stack';

describe('journey: a neighbour sees what is new in their messages', () => {
  const journey = useJourney();

  it('counts unread notices on 我的 and its tab until the neighbour has opened them', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '春晓苑',
      [{ name: '春晓苑南门自提点', address: '春晓路 8 号', latitude: 30.28, longitude: 120.13 }],
      { leaders: false },
    );
    // The operator approves xiaolin's application to run the point: a notice for xiaolin.
    await approveLeader(stack, admin, pointId, 'xiaolin');
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaolin');
    await waitForText(page.locator('.mine-unread'), '1 条新消息');
    await waitForText(page.locator('.taro-tabbar-badge'), '1');
    await screenshot(page, 'journey-unread-notices.png');

    await page.locator('.mine-notifications-link').click();
    await waitForText(page.locator('.notice--unread .notice__title'), '团长申请已通过');
    await screenshot(page, 'journey-unread-inbox.png');
    // Opened, the notice is read: 我的 and its tab count nothing new.
    await page.goBack();
    await waitForText(
      page.locator('.mine-notifications-link .nut-cell-extra'),
      '退款 · 到货 · 取货',
    );
    expect(await page.locator('.mine-unread').count()).toBe(0);
    // The tab's badge goes once 我的, shown again, has counted afresh.
    await page.locator('.taro-tabbar-badge').waitFor({ state: 'detached' });
    await page.locator('.mine-notifications-link').click();
    await page.locator('.notice').first().waitFor();
    // Shown again, the inbox reloads: what it showed before, unread then, is read now.
    await page.waitForFunction(() => document.querySelectorAll('.notice--unread').length === 0);
  });

  it('marks a long backlog read all at once, older pages not yet scrolled to included', async () => {
    const { stack } = journey;
    const { id } = await member(stack, 'xiaofang');
    // A month away from the app: 25 arrivals, one a day, that no route writes on its own.
    await stack.sql(
      `INSERT INTO notifications (member_id, kind, dedupe_key, title, body, created_at)
       SELECT $1, 'order_ready', 'backlog-' || d, '到货啦', '第 ' || d || ' 天的团购到了自提点', now() - make_interval(days => d)
       FROM generate_series(1, 25) d`,
      [id],
    );
    const page = await journey.newPage();
    await logInAs(page, stack, 'xiaofang');
    await waitForText(page.locator('.mine-unread'), '25 条新消息');

    // The first page is seen and so read; the 5 older ones are still to come.
    await page.locator('.mine-notifications-link').click();
    await waitForText(page.locator('.notifications-unread__count'), '还有 5 条未读');
    expect(await page.locator('.notice--unread').count()).toBe(20);
    await screenshot(page, 'journey-inbox-backlog.png');
    // A notice comes in while the inbox is open: 全部已读 marks what was shown, then shows it.
    await stack.sql(
      `INSERT INTO notifications (member_id, kind, dedupe_key, title, body)
       VALUES ($1, 'order_ready', 'while-reading', '刚刚到货', '今天的团购到了自提点')`,
      [id],
    );
    await page.locator('.notifications-unread__all').click();
    await waitForText(page.locator('.notice__title').first(), '刚刚到货');
    await page.locator('.notifications-unread').waitFor({ state: 'detached' });

    await page.goBack();
    await waitForText(
      page.locator('.mine-notifications-link .nut-cell-extra'),
      '退款 · 到货 · 取货',
    );
    await page.locator('.taro-tabbar-badge').waitFor({ state: 'detached' });
    const [{ unread }] = (await stack.sql(
      `SELECT COUNT(*)::int AS unread FROM notifications WHERE member_id = $1 AND read_at IS NULL`,
      [id],
    )) as { unread: number }[];
    expect(unread).toBe(0);

    // Whichever tab the neighbour goes to next counts what has come in since, and badges 我的.
    const arrives = (day: string) =>
      stack.sql(
        `INSERT INTO notifications (member_id, kind, dedupe_key, title, body)
         VALUES ($1, 'order_ready', $2, '到货啦', '团购到了自提点')`,
        [id, `arrival-${day}`],
      );
    await arrives('monday');
    await page.getByText('订单', { exact: true }).last().click();
    await waitForText(page.locator('.taro-tabbar-badge'), '1');
    await arrives('tuesday');
    await page.getByText('会员', { exact: true }).last().click();
    await waitForText(page.locator('.taro-tabbar-badge'), '2');
  });
});
