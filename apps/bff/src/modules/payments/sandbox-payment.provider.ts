import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import axios from 'axios';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { AppConfig } from '../../config/app-config';
import {
  PaymentNotification,
  PaymentProvider,
  PaymentRequest,
  PaymentStart,
  RefundAnswer,
  RefundNotification,
} from './payment-provider';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

/**
 * The demo and test provider: paying succeeds at once, and the confirmation arrives the way a
 * real one does — as a signed notification to the BFF's own notify endpoint, over HTTP.
 */
@Injectable()
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async start(request: PaymentRequest): Promise<PaymentStart> {
    const body = JSON.stringify({
      orderId: request.orderId,
      transactionId: `sandbox-${randomUUID()}`,
      amountFen: request.amountFen,
      paidAt: this.clock.now().toISOString(),
    });
    await axios.post(request.notifyUrl, body, {
      headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: this.sign(body) },
      timeout: 10_000,
    });
    return { kind: 'completed' };
  }

  /** Every sandbox payment is confirmed before start() returns: one not notified was never made. */
  async findPayment(): Promise<'unpaid'> {
    return 'unpaid';
  }

  /** A sandbox payment is made and confirmed in start(): there is never one left to close. */
  async close(): Promise<'closed'> {
    return 'closed';
  }

  verify(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): PaymentNotification {
    const body = this.open(headers, rawBody);
    if (
      typeof body.orderId !== 'string' ||
      typeof body.transactionId !== 'string' ||
      !Number.isSafeInteger(body.amountFen)
    ) {
      throw invalidNotification('malformed body');
    }
    return {
      orderId: body.orderId,
      transactionId: body.transactionId,
      amountFen: body.amountFen,
      paidAt: new Date(body.paidAt),
    };
  }

  /** The sandbox pays back at once: the refund is settled in its answer. */
  async refund(): Promise<RefundAnswer> {
    return {
      refundId: `sandbox-refund-${randomUUID()}`,
      status: 'succeeded',
      settledAt: this.clock.now(),
      receivedAccount: null,
    };
  }

  /** Every sandbox refund is settled in the answer to its request: one still open was never made. */
  async findRefund(): Promise<null> {
    return null;
  }

  /** The sandbox settles every refund in its answer, so it never sends a refund notification. */
  verifyRefund(): RefundNotification {
    throw invalidNotification('the sandbox sends no refund notifications');
  }

  /** Checks the body's signature and parses it. */
  private open(headers: Record<string, string | string[] | undefined>, rawBody: Buffer) {
    const given = Buffer.from(String(headers[SANDBOX_SIGNATURE_HEADER] ?? ''));
    const expected = Buffer.from(this.sign(rawBody));
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw invalidNotification('bad signature');
    try {
      return JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw invalidNotification('malformed body');
    }
  }

  sign(body: string | Buffer): string {
    return createHmac('sha256', this.config.SANDBOX_PAY_SECRET).update(body).digest('hex');
  }
}

export const invalidNotification = (reason: string) =>
  new AppException(
    HttpStatus.BAD_REQUEST,
    ErrorCode.PaymentNotificationInvalid,
    'This payment notification is not valid',
    {
      reason,
    },
  );
