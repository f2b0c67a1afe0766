import { formatYuan } from '@linli/shared';

// Dates as a shopper in China reads them, in Shanghai time wherever the phone is.
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

function shanghai(iso: string): string {
  return new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS).toISOString();
}

/** 2026-03-31 */
export function formatDate(iso: string): string {
  return shanghai(iso).slice(0, 10);
}

/** 2026-03-31 18:05 */
export function formatDateTime(iso: string): string {
  const text = shanghai(iso);
  return `${text.slice(0, 10)} ${text.slice(11, 16)}`;
}

/** 18:05 */
export function formatTime(iso: string): string {
  return shanghai(iso).slice(11, 16);
}

/** 2990 fen -> ¥29.90, in integers. */
export const yuan = formatYuan;

/** 93784 seconds -> 1天2时3分 */
export function countdown(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${days > 0 ? `${days}天` : ''}${hours}时${minutes}分`;
}

/** "12.5" -> 1250 fen, read as digits so no float rounding; null when it is not an amount. */
export function fenFromYuan(text: string): number | null {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
