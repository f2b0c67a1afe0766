import Taro from '@tarojs/taro';

/** The page a member left for 我的 to log in, to be shown again once they have. */
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

/** Goes to 我的 to log in; once logged in, comeBackAfterLogin shows `url` again. */
export function logInAndComeBack(url: string): void {
  comeBackTo = url;
  void Taro.switchTab({ url: '/pages/mine/index' });
}

/** Shows the page the member went to log in from, if any. */
export function comeBackAfterLogin(): void {
  const url = comeBackTo;
  comeBackTo = null;
  if (!url) return;
  // The tab pages live under pages/, every other page in a subpackage.
  if (url.startsWith('/pages/')) void Taro.switchTab({ url });
  else void Taro.navigateTo({ url });
}
