/** Tier codes as stored and sent over the API; display names are the clients' concern. */
export const MEMBER_TIERS = ['regular', 'silver', 'gold', 'diamond'] as const;
export type MemberTier = (typeof MEMBER_TIERS)[number];

export const MEMBER_TIER_NAMES: Record<MemberTier, string> = {
  regular: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
  diamond: '钻石会员',
};
