import qrcode from 'qrcode-generator';
import { logInAs, useJourney } from './support/journey';
import { approveLeader, pickupPoints } from './support/pickup-points';
import { screenshot, waitForText } from './support/screen';
import { member, operator } from './support/stack';

/** The image the member page shows for a code, as its QR component draws it. */
function qrImageOf(code: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(code);
  qr.make();
  const cell = Math.ceil(180 / (qr.getModuleCount() + 4));
  return qr.createDataURL(cell, cell * 2);
}

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
    await waitForText(page.locator('.benefits-note'), '金卡会员、钻石会员可参加会员专享团购');
    await waitForText(
      page.locator('.benefits-coupons'),
      '月券每月发到「我的优惠券」，升级后当月补发',
    );
    await waitForText(page.locator('.benefits-row.is-current .benefits-cell').last(), '—');

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
    await waitForText(page.locator('.benefits-row.is-current .benefits-cell').last(), '2 张');
    await waitForText(
      page.locator('.member-history__change').first(),
      '普通会员 → 金卡会员（平台设置）',
    );
    await screenshot(page, 'journey-member-card.png');
  });

  it('shows a fresh member code once the BFF stops taking the old one, on a phone whose clock is ten minutes behind', async () => {
    const { stack } = journey;
    const admin = await operator(stack);
    const [pointId] = await pickupPoints(
      stack,
      admin,
      '西溪',
      [
        {
          name: '西溪花园自提点',
          address: '文二西路 8 号',
          latitude: 30.2741,
          longitude: 120.0946,
        },
      ],
      { leaders: false },
    );
    const leader = await approveLeader(stack, admin, pointId, 'xixi-leader', '孙阿姨');
    // What the BFF answers the leader who scans a code: a valid code of a neighbour with nothing
    // ready here names them (NOTHING_TO_PICK_UP), and hands nothing over.
    const scan = async (memberCode: string) => {
      const res = await fetch(`${stack.bffUrl}/api/v1/leader/pickups/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...leader.auth },
        body: JSON.stringify({ memberCode }),
      });
      return ((await res.json()) as { error?: { code: string } }).error?.code;
    };

    const page = await journey.newPage();
    await page.clock.install({ time: Date.now() - 10 * 60_000 });
    const received: string[] = [];
    page.on('response', async (response) => {
      if (response.url().endsWith('/api/v1/me/member-card') && response.ok()) {
        received.push(((await response.json()) as { memberCode: string }).memberCode);
      }
    });
    const shownCode = async () => {
      const src = await page.locator('.member-qr img').getAttribute('src');
      return received.find((code) => qrImageOf(code) === src);
    };
    await logInAs(page, stack, 'sunmei');
    await page.getByText('会员', { exact: true }).last().click();
    await page.locator('.member-qr img').waitFor();
    const first = await shownCode();
    expect(first).toBeDefined();
    expect(await scan(first as string)).toBe('NOTHING_TO_PICK_UP');

    // The BFF's minute, and the few seconds it allows a code scanned just after, run out.
    for (let tries = 0; (await scan(first as string)) !== 'MEMBER_CODE_EXPIRED'; tries++) {
      if (tries === 100) throw new Error('the BFF still takes the first member code');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const now = await shownCode();
    expect(now).toBeDefined();
    expect(now).not.toBe(first);
    expect(await scan(now as string)).toBe('NOTHING_TO_PICK_UP');
  }, 180_000);
});
