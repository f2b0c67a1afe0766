import type { MemberTier } from '@linli/shared';

/** 9800 basis points -> 9.8折; no discount -> 无折扣 */
export function discountLabel(bps: number): string {
  if (bps >= 10_000) return '无折扣';
  return `${(bps / 1000).toFixed(bps % 100 === 0 ? 1 : 2).replace(/\.0$/, '')}折`;
}

/** 120 -> 1.2倍 */
export function multiplierLabel(pct: number): string {
  return `${(pct / 100).toString()}倍`;
}

export const TIER_COLORS: Record<MemberTier, string> = {
  regular: 'linear-gradient(135deg, #8c8c8c, #5f5f5f)',
  silver: 'linear-gradient(135deg, #c9d3dd, #8b98a6)',
  gold: 'linear-gradient(135deg, #f7d58b, #d9a441)',
  diamond: 'linear-gradient(135deg, #8fc5ff, #4a7dff)',
};
