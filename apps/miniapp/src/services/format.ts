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
