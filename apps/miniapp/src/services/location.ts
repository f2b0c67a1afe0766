import Taro from '@tarojs/taro';

// Where the demo community is, for browsers that do not share their location.
const DEMO_LOCATION = { latitude: 30.2772, longitude: 120.1276 };

/** Where the member is, or the demo community when the phone does not say. */
export async function whereAmI(): Promise<{ latitude: number; longitude: number }> {
  try {
    const { latitude, longitude } = await Taro.getLocation({ type: 'gcj02' });
    return { latitude, longitude };
  } catch {
    return DEMO_LOCATION;
  }
}
