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

  verify(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): PaymentNotification {
    const given = Buffer.from(String(headers[SANDBOX_SIGNATURE_HEADER] ?? ''));
    const expected = Buffer.from(this.sign(rawBody));
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw invalidNotification('bad signature');
    const body = JSON.parse(rawBody.toString('utf8'));
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

  async refund(): Promise<{ refundId: string }> {
    return { refundId: `sandbox-refund-${randomUUID()}` };
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
