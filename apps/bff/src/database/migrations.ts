import { Foundation1764000000000 } from './migrations/1764000000000-foundation';
import { PointsLedger1764100000000 } from './migrations/1764100000000-points-ledger';
import { MemberTiers1764200000000 } from './migrations/1764200000000-member-tiers';
import { GroupBuy1764300000000 } from './migrations/1764300000000-group-buy';
import { Fulfilment1764400000000 } from './migrations/1764400000000-fulfilment';
import { NotificationDelivery1764500000000 } from './migrations/1764500000000-notification-delivery';
import { RefundOutcome1764600000000 } from './migrations/1764600000000-refund-outcome';
import { RefundOutbox1764700000000 } from './migrations/1764700000000-refund-outbox';
import { RefundRefused1764800000000 } from './migrations/1764800000000-refund-refused';
import { TierRulesApplied1764900000000 } from './migrations/1764900000000-tier-rules-applied';
import { JobScanIndexes1765000000000 } from './migrations/1765000000000-job-scan-indexes';
import { ListPageIndexes1765100000000 } from './migrations/1765100000000-list-page-indexes';
import { RefreshTokenSessions1765200000000 } from './migrations/1765200000000-refresh-token-sessions';
import { RefundLookUps1765300000000 } from './migrations/1765300000000-refund-look-ups';
import { PointAccountVersion1765400000000 } from './migrations/1765400000000-point-account-version';
import { SpendableLotsIndex1765500000000 } from './migrations/1765500000000-spendable-lots-index';
import { ExclusiveCampaigns1765600000000 } from './migrations/1765600000000-exclusive-campaigns';
import { CampaignBuyers1765700000000 } from './migrations/1765700000000-campaign-buyers';
import { MemberSearchIndexes1765800000000 } from './migrations/1765800000000-member-search-indexes';
import { SkuPositions1765900000000 } from './migrations/1765900000000-sku-positions';
import { UnreadNotifications1766000000000 } from './migrations/1766000000000-unread-notifications';
import { PointsReconciliations1766100000000 } from './migrations/1766100000000-points-reconciliations';
import { CheckIns1766200000000 } from './migrations/1766200000000-check-ins';
import { Birthdays1766300000000 } from './migrations/1766300000000-birthdays';
import { ReferralRewards1766400000000 } from './migrations/1766400000000-referral-rewards';
import { Reviews1766500000000 } from './migrations/1766500000000-reviews';
import { Coupons1766600000000 } from './migrations/1766600000000-coupons';
import { Rewards1766700000000 } from './migrations/1766700000000-rewards';
import { Insight1766800000000 } from './migrations/1766800000000-insight';
import { RecommendationIndexes1766900000000 } from './migrations/1766900000000-recommendation-indexes';
import { TierMonthlyCoupons1767000000000 } from './migrations/1767000000000-tier-monthly-coupons';
import { RewardGoods1767100000000 } from './migrations/1767100000000-reward-goods';
import { RewardCancellations1767200000000 } from './migrations/1767200000000-reward-cancellations';
import { CouponWithdrawal1767300000000 } from './migrations/1767300000000-coupon-withdrawal';
import { ReviewModeration1767400000000 } from './migrations/1767400000000-review-moderation';
import { ReferralReversals1767500000000 } from './migrations/1767500000000-referral-reversals';
import { TierRulesBasedOn1767600000000 } from './migrations/1767600000000-tier-rules-based-on';
import { MemberDayCampaigns1767700000000 } from './migrations/1767700000000-member-day-campaigns';
import { ExpiryEntriesIndex1767800000000 } from './migrations/1767800000000-expiry-entries-index';
import { AdminLoginAddresses1767900000000 } from './migrations/1767900000000-admin-login-addresses';
import { TierChangesInOrder1768000000000 } from './migrations/1768000000000-tier-changes-in-order';
import { TierReviewByFloor1768100000000 } from './migrations/1768100000000-tier-review-by-floor';
import { ApplicationsOfLeaders1768200000000 } from './migrations/1768200000000-applications-of-leaders';

/** In the order they run; a migration that has landed is never edited. */
export const MIGRATIONS = [
  Foundation1764000000000,
  PointsLedger1764100000000,
  MemberTiers1764200000000,
  GroupBuy1764300000000,
  Fulfilment1764400000000,
  NotificationDelivery1764500000000,
  RefundOutcome1764600000000,
  RefundOutbox1764700000000,
  RefundRefused1764800000000,
  TierRulesApplied1764900000000,
  JobScanIndexes1765000000000,
  ListPageIndexes1765100000000,
  RefreshTokenSessions1765200000000,
  RefundLookUps1765300000000,
  PointAccountVersion1765400000000,
  SpendableLotsIndex1765500000000,
  ExclusiveCampaigns1765600000000,
  CampaignBuyers1765700000000,
  MemberSearchIndexes1765800000000,
  SkuPositions1765900000000,
  UnreadNotifications1766000000000,
  PointsReconciliations1766100000000,
  CheckIns1766200000000,
  Birthdays1766300000000,
  ReferralRewards1766400000000,
  Reviews1766500000000,
  Coupons1766600000000,
  Rewards1766700000000,
  Insight1766800000000,
  RecommendationIndexes1766900000000,
  TierMonthlyCoupons1767000000000,
  RewardGoods1767100000000,
  RewardCancellations1767200000000,
  CouponWithdrawal1767300000000,
  ReviewModeration1767400000000,
  ReferralReversals1767500000000,
  TierRulesBasedOn1767600000000,
  MemberDayCampaigns1767700000000,
  ExpiryEntriesIndex1767800000000,
  AdminLoginAddresses1767900000000,
  TierChangesInOrder1768000000000,
  TierReviewByFloor1768100000000,
  ApplicationsOfLeaders1768200000000,
];
