import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { MEMBER_TIERS, MemberTier } from '@linli/shared';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  Min,
  NotEquals,
  ValidateNested,
} from 'class-validator';
import { IsDay, IsInstant } from '../../../common/date-fields';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, SearchText, Trimmed } from '../../../common/text-fields';

/** The most units a campaign holds in all, as created and after any change of its stock. */
export const MOST_CAMPAIGN_STOCK = 1_000_000;

export class SkuRequest {
  @ApiProperty({ example: '5斤装' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(1, 60)
  name!: string;
  @ApiProperty({ description: 'List price in fen', example: 3990 })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  priceFen!: number;
}

export class CreateProductRequest {
  @ApiProperty({ example: '赣南脐橙' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(1, 80)
  name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 2000) description?: string;
  @ApiPropertyOptional({ type: String, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @IsUrl({ require_tld: false }, { each: true })
  images?: string[];
  @ApiProperty({ type: SkuRequest, isArray: true })
  @ValidateNested({ each: true })
  @Type(() => SkuRequest)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  skus!: SkuRequest[];
}

/** Any of a product's own fields; its SKUs stay as they are. */
export class UpdateProductRequest extends PartialType(
  OmitType(CreateProductRequest, ['skus'] as const),
) {}

/** A SKU's name or list price; the group prices of its campaigns stay as they are. */
export class UpdateSkuRequest extends PartialType(SkuRequest) {}

export class Sku {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() priceFen!: number;
}

export class Product {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, isArray: true }) images!: string[];
  @ApiProperty({ type: Sku, isArray: true }) skus!: Sku[];
}

export class ProductPage {
  @ApiProperty({ type: Product, isArray: true }) items!: Product[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ProductQuery extends PageQuery {
  @SearchText('Part of the product name, any case') q?: string;
}

export class TierPrices {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) silver?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) gold?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) diamond?: number;
}

export class CreateCampaignRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID('4') skuId!: string;
  @ApiProperty({ example: '赣南脐橙 5 斤团' })
  @Trimmed()
  @IsString()
  @SaysSomething()
  @Length(1, 80)
  title!: string;
  @ApiProperty({ description: 'Group price per unit in fen' })
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  groupPriceFen!: number;
  @ApiPropertyOptional({
    type: TierPrices,
    description: 'Per-tier prices in fen; they replace the tier discount',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TierPrices)
  tierPrices?: TierPrices;
  @ApiProperty() @IsInt() @Min(1) @Max(MOST_CAMPAIGN_STOCK) stock!: number;
  @ApiProperty() @IsInt() @Min(1) @Max(1_000) perMemberLimit!: number;
  @ApiProperty({ description: 'Buyers needed for the group to form (成团人数)' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  minBuyers!: number;
  @ApiProperty({ format: 'date-time' }) @IsInstant() startsAt!: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() cutsOffAt!: string;
  @ApiProperty({ example: '2026-12-01' }) @IsDay() pickupDate!: string;
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    description: 'Only at these pickup points; all when omitted',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsUUID('4', { each: true })
  pickupPointIds?: string[];
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    description: 'Only for these tiers; all when omitted',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MEMBER_TIERS, { each: true })
  tiers?: MemberTier[];
  @ApiPropertyOptional({
    default: false,
    description:
      '会员专享: only for members whose tier has the exclusiveCampaigns benefit under the tier rules in force',
  })
  @IsOptional()
  @IsBoolean()
  exclusive?: boolean;
  @ApiPropertyOptional({
    default: false,
    description:
      '会员日专享: offered only on the member day of the points policy (memberDay, a day of the month in Shanghai), to every member it is otherwise for; never while no member day is set',
  })
  @IsOptional()
  @IsBoolean()
  memberDayOnly?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() tierDiscountApplies?: boolean;
  @ApiPropertyOptional({
    default: 1000,
    description: 'Leader commission in basis points of the paid amount',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5000)
  commissionBps?: number;
}

/**
 * Any of a draft campaign's fields. `pickupPointIds` or `tiers` set to null lift that
 * restriction; `tierPrices` replaces the per-tier prices as a whole (`{}` for none).
 */
export class UpdateCampaignRequest extends PartialType(
  OmitType(CreateCampaignRequest, ['pickupPointIds', 'tiers'] as const),
) {
  @ApiPropertyOptional({
    type: String,
    isArray: true,
    nullable: true,
    description: 'Only at these pickup points; null for all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsUUID('4', { each: true })
  pickupPointIds?: string[] | null;

  @ApiPropertyOptional({
    type: String,
    isArray: true,
    nullable: true,
    description: 'Only for these tiers; null for all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(MEMBER_TIERS, { each: true })
  tiers?: MemberTier[] | null;
}

export const CAMPAIGN_STATES = [
  'draft',
  'scheduled',
  'live',
  'cut_off',
  'delivering',
  'closed',
  'failed',
] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export class Campaign {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() productName!: string;
  @ApiProperty() skuName!: string;
  @ApiProperty({ description: "The product's description" }) description!: string;
  @ApiProperty({ type: String, isArray: true }) images!: string[];
  @ApiProperty({ description: 'List price per unit, fen' }) listPriceFen!: number;
  @ApiProperty({ description: 'Group price per unit, fen' }) groupPriceFen!: number;
  @ApiProperty({ type: TierPrices }) tierPrices!: TierPrices;
  @ApiProperty({ enum: CAMPAIGN_STATES, enumName: 'CampaignState' }) state!: CampaignState;
  @ApiProperty() stockTotal!: number;
  @ApiProperty() stockLeft!: number;
  @ApiProperty() perMemberLimit!: number;
  @ApiProperty() minBuyers!: number;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) cutsOffAt!: string;
  @ApiProperty({ example: '2026-12-01' }) pickupDate!: string;
  @ApiProperty() tierDiscountApplies!: boolean;
  @ApiProperty({
    description: '会员专享: offered only to members whose tier has the exclusiveCampaigns benefit',
  })
  exclusive!: boolean;
  @ApiProperty({ description: '会员日专享: offered only on the member day' })
  memberDayOnly!: boolean;
  @ApiProperty({ description: 'Units sold so far' }) sold!: number;
  @ApiProperty({
    description: 'Neighbours who have paid so far: the count the cut-off holds against minBuyers',
  })
  buyers!: number;
}

export class AdminCampaign extends Campaign {
  @ApiProperty({ format: 'uuid' }) skuId!: string;
  @ApiProperty({ type: String, isArray: true, nullable: true }) pickupPointIds!: string[] | null;
  @ApiProperty({ type: String, isArray: true, nullable: true }) tiers!: string[] | null;
  @ApiProperty() commissionBps!: number;
}

export class StockChangeRequest {
  @ApiProperty({
    description:
      'Units to add (positive), or to take out of those still unsold (negative); sold units stay sold',
    example: 50,
  })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  change!: number;

  @ApiProperty({ example: '供应商追加到货', description: 'Kept in the audit log' })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  reason!: string;
}

export class PostponePickupRequest {
  @ApiProperty({ example: '2026-12-03', description: 'A later day than the pickup date now' })
  @IsDay()
  pickupDate!: string;

  @ApiProperty({
    example: '产地降雨，晚两天发货',
    description: 'Why, told to the neighbours waiting for the goods and kept in the audit log',
  })
  @Trimmed()
  @IsString()
  @Length(2, 60)
  @SaysSomething()
  reason!: string;
}

export class AdminCampaignPage {
  @ApiProperty({ type: AdminCampaign, isArray: true }) items!: AdminCampaign[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AdminCampaignQuery extends PageQuery {
  @SearchText('Part of the title, any case') q?: string;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATES, enumName: 'CampaignState' })
  @IsOptional()
  @IsIn(CAMPAIGN_STATES)
  state?: CampaignState;
}

export class ShopperCampaign extends Campaign {
  @ApiProperty({ description: "The caller's price per unit, fen, after their tier" })
  yourPriceFen!: number;
  @ApiProperty({
    description:
      'Units the caller holds in their orders of it that are not cancelled: perMemberLimit counts them',
  })
  yourQuantity!: number;
  @ApiProperty({ description: 'Seconds until cut-off (截团)' }) secondsToCutOff!: number;
}

export class ShopperCampaignList {
  @ApiProperty({ type: ShopperCampaign, isArray: true, description: 'Cutting off soonest first' })
  items!: ShopperCampaign[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
