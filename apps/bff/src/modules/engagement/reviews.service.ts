import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { PointsLedger } from '../points/points-ledger.service';
import { PointsPolicyService } from '../points/points-policy.service';
import { MemberTiersService } from '../tiers/member-tiers.service';
import { ReviewRequest, ReviewView } from './dto/review.dto';

/**
 * Reviews of what a member picked up (DESIGN.md section 8): one an order line, earning the
 * policy's points and growth once; a line refunded whole has nothing left to review.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly policies: PointsPolicyService,
    private readonly ledger: PointsLedger,
    private readonly tiers: MemberTiersService,
  ) {}

  async review(
    ctx: RequestContext,
    memberId: string,
    orderId: string,
    request: ReviewRequest,
  ): Promise<ReviewView> {
    // Another member's order is as unknown as one that does not exist.
    const [line] = await this.connection.query<{
      state: string;
      picked_up_at: Date | null;
      quantity: number;
      refunded_quantity: number;
    }>(
      ctx,
      `SELECT o.state, o.picked_up_at, l.quantity, l.refunded_quantity
       FROM order_lines l JOIN orders o ON o.id = l.order_id
       WHERE l.id = $3 AND o.id = $2 AND o.member_id = $1`,
      [memberId, orderId, request.orderLineId],
    );
    if (!line)
      throw AppException.notFound('Order line', { orderId, orderLineId: request.orderLineId });
    if (!line.picked_up_at || line.refunded_quantity >= line.quantity)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.OrderStateInvalid,
        'Only goods picked up and kept can be reviewed',
        { state: line.state, refunded: line.refunded_quantity >= line.quantity },
      );
    const { reviewPoints, reviewGrowth } = await this.policies.get(ctx);
    // Of two reviews of a line at once, the second waits on the first's row and inserts nothing.
    const [written] = await this.connection.query<{ created_at: Date }>(
      ctx,
      `INSERT INTO reviews (order_line_id, order_id, member_id, rating, text, points, growth)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_line_id) DO NOTHING
       RETURNING created_at`,
      [
        request.orderLineId,
        orderId,
        memberId,
        request.rating,
        request.text,
        reviewPoints,
        reviewGrowth,
      ],
    );
    if (!written)
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.ReviewAlreadyWritten,
        'This order line is already reviewed',
        { orderLineId: request.orderLineId },
      );
    const source = { type: 'review', id: request.orderLineId };
    if (reviewPoints > 0) await this.ledger.grant(ctx, memberId, source, reviewPoints, '评价奖励');
    if (reviewGrowth > 0) await this.tiers.recordGrowth(ctx, memberId, source, reviewGrowth);
    return {
      orderLineId: request.orderLineId,
      rating: request.rating,
      text: request.text,
      pointsAwarded: reviewPoints,
      growthAwarded: reviewGrowth,
      createdAt: written.created_at.toISOString(),
    };
  }
}
