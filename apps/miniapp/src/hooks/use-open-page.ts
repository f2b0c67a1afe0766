import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';

/**
 * Opens another page from this one, once: the taps that follow (a double tap, an impatient
 * second one) are dropped until this page is shown again, so that one 返回 brings the member
 * back. `before` runs only for the tap that opens the page.
 */
export function useOpenPage(): (url: string, before?: () => void) => void {
  const left = useRef(false);
  useDidShow(() => {
    left.current = false;
  });
  return (url, before) => {
    if (left.current) return;
    left.current = true;
    before?.();
    Taro.navigateTo({ url }).catch(() => {
      left.current = false;
    });
  };
}
