import Taro from '@tarojs/taro';

/** The page a member left to log in or to choose a pickup point, to be shown again once they have. */
let comeBackTo: string | null = null;

/** The page's own URL, without the stamp the H5 router adds to each visit. */
export function pageUrl(path: string, params: Record<string, string | undefined>): string {
  const query = Object.entries(params)
    .filter(([key, value]) => value !== undefined && key !== 'stamp' && !key.startsWith('$'))
    .map(([key, value]) => `${key}=${encodeURIComponent(value ?? '')}`)
    .join('&');
  const page = path.split('?')[0];
  return query ? `${page}?${query}` : page;
}

function leaveFor(tab: string, url: string): void {
  comeBackTo = url;
  void Taro.switchTab({ url: tab });
}

/** Goes to 我的 to log in; once logged in, comeBack shows `url` again. */
export const logInAndComeBack = (url: string) => leaveFor('/pages/mine/index', url);

/** Goes to 首页 to choose a pickup point; once chosen, comeBack shows `url` again. */
export const choosePickupPointAndComeBack = (url: string) => leaveFor('/pages/index/index', url);

/** Shows the page the member left to log in or to choose a pickup point, if any. */
export function comeBack(): void {
  const url = comeBackTo;
  comeBackTo = null;
  if (!url) return;
  // The tab pages live under pages/, every other page in a subpackage.
  if (url.startsWith('/pages/')) void Taro.switchTab({ url });
  else void Taro.navigateTo({ url });
}
