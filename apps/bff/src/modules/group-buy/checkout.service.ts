import { HttpStatus, Injectable } from '@nestjs/common';
import { MAX_ORDER_SUBTOTAL_FEN, quote, Quote } from '@linli/domain';
import { ErrorCode } from '@linli/shared';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { CouponsService } from '../coupons/coupons.service';
import { PointsWalletService } from '../points/points-wallet.service';
import { CampaignRow, CampaignsService, campaignState, MemberPlace } from './campaigns.service';
import { OrderRequest, QuoteResponse } from './dto/order.dto';
import {
  ordersCampaignsMismatch,
  campaignNotOpen,
  purchaseLimitExceeded,
} from './group-buy.exception';

export interface PricedBasket {
  quote: Quote;
  campaigns: CampaignRow[];
  /** The pickup point and tier the campaigns were checked and priced for. */
  place: MemberPlace;
}

/** Prices a basket for a member: only live campaigns offered to them, within their limits. */
@Injectable()
export class CheckoutService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly wallet: PointsWalletService,
    private readonly coupons: CouponsService,
    private readonly clock: Clock,
  ) {}

  async price(ctx: RequestContext, memberId: string, request: OrderRequest): Promise<PricedBasket> {
    const ids = request.items.map((i) => i.campaignId);
    if (new Set(ids).size !== ids.length) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'Each campaign may appear once',
      );
    }
    const coupon = request.couponId
      ? await this.coupons.usable(ctx, memberId, request.couponId)
      : null;
    const now = this.clock.now();
    const { place, benefits, policy } = await this.campaigns.shopperOf(ctx, memberId);
    const rows = await this.campaigns.visibleRows(ctx, { place, benefits }, ids);
    const campaigns: CampaignRow[] = [];
    // Item by item, as the member listed them: the first item refused is the one answered.
    for (const item of request.items) {
      const row = rows.find((r) => r.id === item.campaignId);
      if (!row) throw AppException.notFound('Campaign', { campaignId: item.campaignId });
      const state = campaignState(row, now);
      if (state !== 'live') throw campaignNotOpen(row.id, state);
      if (item.quantity > row.per_member_limit)
        throw purchaseLimitExceeded(row.id, row.per_member_limit);
      campaigns.push(row);
    }
    // One order is cut off, delivered and picked up together.
    if (campaigns.some((c) => c.cuts_off_at.getTime() !== campaigns[0].cuts_off_at.getTime()))
      throw ordersCampaignsMismatch(campaigns.map((c) => c.id));
    const priced = quote({
      lines: request.items.map((item, i) => ({
        campaignId: item.campaignId,
        quantity: item.quantity,
        unitPriceFen: campaigns[i].group_price_fen,
        tierUnitPriceFen: campaigns[i].tier_prices[benefits.tier] ?? null,
        tierDiscountApplies: campaigns[i].tier_discount_applies,
      })),
      tierDiscountBps: benefits.discountBps,
      coupon,
      pointsRequested: request.pointsToUse ?? 0,
      pointsAvailable: request.pointsToUse ? await this.wallet.available(ctx, memberId) : 0,
      redeemPointsPerYuan: policy.redeemPointsPerYuan,
      maxDeductionBps: policy.maxDeductionBps,
      earn: {
        pointsPerYuan: policy.earnPointsPerYuan,
        tierMultiplierPct: benefits.pointsMultiplierPct,
        memberDayMultiplierPct: benefits.memberDayMultiplierPct,
      },
    });
    if (priced.subtotalFen > MAX_ORDER_SUBTOTAL_FEN) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.ValidationFailed,
        'The basket comes to more than one order can hold',
        { subtotal: priced.subtotalFen, maxSubtotal: MAX_ORDER_SUBTOTAL_FEN },
      );
    }
    return { quote: priced, campaigns, place };
  }

  async quote(
    ctx: RequestContext,
    memberId: string,
    request: OrderRequest,
  ): Promise<QuoteResponse> {
    const { quote: q, campaigns } = await this.price(ctx, memberId, request);
    // The order would be refused past the member's limit, counting their earlier orders: so is the quote.
    const ordered = await this.campaigns.alreadyOrdered(
      ctx,
      memberId,
      campaigns.map((c) => c.id),
    );
    for (const [i, c] of campaigns.entries()) {
      const before = ordered.get(c.id) ?? 0;
      if (before + request.items[i].quantity > c.per_member_limit)
        throw purchaseLimitExceeded(c.id, c.per_member_limit, before);
    }
    return toQuoteResponse(
      q,
      campaigns.map((c) => c.title),
    );
  }
}

export function toQuoteResponse(q: Quote, titles: string[]): QuoteResponse {
  return {
    lines: q.lines.map((l, i) => ({
      campaignId: l.campaignId,
      title: titles[i],
      quantity: l.quantity,
      unitPrice: l.unitPriceFen,
      amount: l.listFen,
      tierDiscount: l.tierDiscountFen,
      couponDiscount: l.couponDiscountFen,
      pointsDiscount: l.pointsDiscountFen,
      payable: l.payableFen,
    })),
    subtotal: q.subtotalFen,
    tierDiscount: q.tierDiscountFen,
    couponDiscount: q.couponDiscountFen,
    coupon: q.coupon,
    pointsUsed: q.pointsUsed,
    pointsDiscount: q.pointsDiscountFen,
    payable: q.payableFen,
    pointsToEarn: q.pointsToEarn,
  };
}
