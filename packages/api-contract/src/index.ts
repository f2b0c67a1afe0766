import type { components, paths } from './generated/openapi';

export type { components, operations, paths } from './generated/openapi';
export { ErrorCode, isErrorCode, MEMBER_TIERS, MEMBER_TIER_NAMES } from '@linli/shared';
export type { ErrorBody, MemberTier } from '@linli/shared';

type Schemas = components['schemas'];

export type WechatLoginRequest = Schemas['WechatLoginRequest'];
export type LoginResponse = Schemas['LoginResponse'];
export type MemberSummary = Schemas['MemberSummary'];
export type RefreshRequest = Schemas['RefreshRequest'];
export type TokenPair = Schemas['TokenPair'];
export type AdminLoginRequest = Schemas['AdminLoginRequest'];
export type AdminLoginResponse = Schemas['AdminLoginResponse'];
export type MeResponse = Schemas['MeResponse'];
export type PickupPointSummary = Schemas['PickupPointSummary'];
export type HealthResponse = Schemas['HealthResponse'];
export type JobRunResult = Schemas['JobRunResult'];
export type JobSummary = Schemas['JobSummary'];
export type PointsWallet = Schemas['PointsWallet'];
export type ExpiringPoints = Schemas['ExpiringPoints'];
export type PointsEntry = Schemas['PointsEntry'];
export type PointsEntryPage = Schemas['PointsEntryPage'];
export type PointsEntryType = PointsEntry['type'];
export type PointsPolicy = Schemas['PointsPolicy'];
export type UpdatePointsPolicyRequest = Schemas['UpdatePointsPolicyRequest'];
export type PointsAdjustmentRequest = Schemas['PointsAdjustmentRequest'];
export type PointsAdjustmentResult = Schemas['PointsAdjustmentResult'];
export type ReconciliationReport = Schemas['ReconciliationReport'];
export type TierRule = Schemas['TierRuleDto'];
export type TierRulesVersion = Schemas['TierRulesVersion'];
export type TierSimulation = Schemas['TierSimulation'];
export type MemberCard = Schemas['MemberCard'];
export type TierChange = Schemas['TierChange'];
export type ManualTierRequest = Schemas['ManualTierRequest'];
export type NearbyPickupPoint = Schemas['NearbyPickupPoint'];
export type BindPickupPointRequest = Schemas['BindPickupPointRequest'];
export type Product = Schemas['Product'];
export type CreateProductRequest = Schemas['CreateProductRequest'];
export type CreateCampaignRequest = Schemas['CreateCampaignRequest'];
export type AdminCampaign = Schemas['AdminCampaign'];
export type ShopperCampaign = Schemas['ShopperCampaign'];
export type ShopperCampaignList = Schemas['ShopperCampaignList'];
export type OrderRequest = Schemas['OrderRequest'];
export type QuoteResponse = Schemas['QuoteResponse'];
export type OrderView = Schemas['OrderView'];
export type OrderPage = Schemas['OrderPage'];
export type PaymentStartResponse = Schemas['PaymentStartResponse'];

/** The JSON body a route answers with on success. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;
