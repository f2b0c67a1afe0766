import { Injectable } from '@nestjs/common';
import { decodeCursor, keysetPage } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import type { RefundStatus } from '../payments/payment-provider';
import { PaymentRefundPage, PaymentRefundQuery } from './dto/payment-refund.dto';

interface RefundRow {
  id: string;
  order_id: string;
  amount_fen: number;
  reason: string;
  status: RefundStatus;
  provider_refund_id: string;
  received_account: string | null;
  created_at: Date;
  settled_at: Date | null;
  cursor_at: string;
}

/** The operator's view of money paid back through the provider, newest first. */
@Injectable()
export class PaymentRefundsService {
  constructor(private readonly connection: TransactionalConnection) {}

  async list(ctx: RequestContext, query: PaymentRefundQuery): Promise<PaymentRefundPage> {
    const after = decodeCursor(query.cursor);
    const rows = await this.connection.query<RefundRow>(
      ctx,
      `SELECT id, order_id, amount_fen, reason, status, provider_refund_id, received_account,
              created_at, settled_at, created_at::text AS cursor_at
       FROM refunds
       WHERE ($1::text IS NULL OR status = $1)
         AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [query.status ?? null, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, query.limit);
    return {
      items: shown.map((r) => ({
        id: r.id,
        orderId: r.order_id,
        amount: r.amount_fen,
        reason: r.reason,
        status: r.status,
        providerRefundId: r.provider_refund_id,
        receivedAccount: r.received_account,
        createdAt: r.created_at.toISOString(),
        settledAt: r.settled_at?.toISOString() ?? null,
      })),
      nextCursor,
    };
  }
}
