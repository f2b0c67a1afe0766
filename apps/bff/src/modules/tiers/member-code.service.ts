import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { AppConfig } from '../../config/app-config';

const WINDOW_MS = 60_000;
// A code scanned just after it rotated still works for this long.
const GRACE_MS = 15_000;
const PREFIX = 'LM1';

/**
 * The dynamic member code a leader scans: the member's id and a 60-second window, signed
 * with a key only the BFF holds. `LM1.<member id>.<window>.<signature>`.
 */
@Injectable()
export class MemberCodeService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  issue(memberId: string): {
    memberCode: string;
    memberCodeExpiresAt: string;
    memberCodeSecondsLeft: number;
  } {
    const now = this.clock.now().getTime();
    const window = Math.floor(now / WINDOW_MS);
    const payload = `${PREFIX}.${memberId.replace(/-/g, '')}.${window}`;
    const expiresAt = (window + 1) * WINDOW_MS;
    return {
      memberCode: `${payload}.${this.sign(payload)}`,
      memberCodeExpiresAt: new Date(expiresAt).toISOString(),
      // Rounded up, so that a phone counting it down asks for the next code once this one has
      // rotated, never just before (and never sooner than a second from now).
      memberCodeSecondsLeft: Math.ceil((expiresAt - now) / 1000),
    };
  }

  /** The member a code names; MEMBER_CODE_INVALID for anything forged or malformed, MEMBER_CODE_EXPIRED for an old one. */
  verify(code: string): string {
    const parts = code.split('.');
    const invalid = new AppException(
      HttpStatus.BAD_REQUEST,
      ErrorCode.MemberCodeInvalid,
      'This member code is not valid',
    );
    if (
      parts.length !== 4 ||
      parts[0] !== PREFIX ||
      !/^[0-9a-f]{32}$/.test(parts[1]) ||
      !/^\d{1,12}$/.test(parts[2])
    ) {
      throw invalid;
    }
    const payload = parts.slice(0, 3).join('.');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(parts[3]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
    const windowEnd = (Number(parts[2]) + 1) * WINDOW_MS;
    if (this.clock.now().getTime() > windowEnd + GRACE_MS) {
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.MemberCodeExpired,
        'This member code has expired, refresh it',
      );
    }
    const hex = parts[1];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** When a code (one `verify` took) began to be shown: the start of its window. */
  shownSince(code: string): Date {
    return new Date(Number(code.split('.')[2]) * WINDOW_MS);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.config.MEMBER_CODE_SECRET)
      .update(payload)
      .digest('base64url')
      .slice(0, 22);
  }
}
