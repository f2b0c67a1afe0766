import { logInAs, useJourney } from './support/journey';
import { waitForText } from './support/screen';

const LEADER_PAGES = ['dashboard', 'verify', 'pick-lists', 'deliveries', 'commission'];

describe('journey: leader pages opened by someone who cannot use them', () => {
  const journey = useJourney();

  it.each(LEADER_PAGES)(
    'offers 去登录 on the %s page opened without a session, and 申请成为团长 once logged in as a neighbour',
    async (name) => {
      const { stack } = journey;
      const page = await journey.newPage();
      const url = `${stack.h5Url}/#/subpackages/leader/${name}/index`;
      await page.goto(url);
      await waitForText(page.locator('.log-in-first .placeholder__title'), '登录后使用团长工作台');
      await page.locator('.log-in-first__go').waitFor();

      await logInAs(page, stack, `neighbour-${name}`);
      await page.goto(url);
      await page.locator('.leader-apply-link').waitFor({ timeout: 10_000 });
      await page.close();
    },
  );
});
