import Taro from '@tarojs/taro';

// Where the demo community is, for browsers (the H5 demo) that do not share their location.
const DEMO_LOCATION = { latitude: 30.2772, longitude: 120.1276 };

/** What a member reads when WeChat keeps their location from the app. */
export const LOCATION_NEEDED =
  '需要你的位置才能找到附近的自提点：请在右上角「···」→「设置」里允许使用位置信息，再试一次';

/**
 * Where the member is. A browser, which rarely says, stands in the demo community; in WeChat,
 * null while the member has not let the app know.
 */
export async function whereAmI(): Promise<{ latitude: number; longitude: number } | null> {
  try {
    const { latitude, longitude } = await Taro.getLocation({ type: 'gcj02' });
    return { latitude, longitude };
  } catch {
    return process.env.TARO_ENV === 'h5' ? DEMO_LOCATION : null;
  }
}
