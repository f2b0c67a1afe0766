import Taro from '@tarojs/taro';
import { createJSONStorage } from 'zustand/middleware';

/** zustand persistence on Taro's storage: wx storage in WeChat, localStorage in H5. */
export const taroStorage = createJSONStorage(() => ({
  getItem: (key: string) => (Taro.getStorageSync(key) as string) || null,
  setItem: (key: string, value: string) => Taro.setStorageSync(key, value),
  removeItem: (key: string) => Taro.removeStorageSync(key),
}));
