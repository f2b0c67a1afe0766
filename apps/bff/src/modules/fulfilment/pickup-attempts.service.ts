import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import type Redis from 'ioredis';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { FailureCounter } from '../../common/rate-limit/failure-counter';
import { REDIS } from '../../common/redis';
import { AppConfig } from '../../config/app-config';

/**
 * Counts a leader's wrong pickup codes. Past the limit within the window, verification
 * pauses for that leader until the window ends, so 10^8 codes cannot be walked through.
 */
@Injectable()
export class PickupAttemptsService {
  private readonly counter: FailureCounter;

  constructor(
    private readonly config: AppConfig,
    clock: Clock,
    @Inject(REDIS) redis: Redis | null,
  ) {
    this.counter = new FailureCounter(
      redis,
      clock,
      `${config.REDIS_KEY_PREFIX}pickup-failures:`,
      config.PICKUP_CODE_FAILURE_WINDOW_SECONDS * 1000,
    );
  }

  /** RATE_LIMITED while the leader has too many wrong codes in the current window. */
  async assertAllowed(leaderId: string): Promise<void> {
    const failures = await this.counter.failures(leaderId);
    if (failures >= this.config.PICKUP_CODE_FAILURE_LIMIT) {
      throw new AppException(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCode.RateLimited,
        'Too many wrong codes: wait a while before trying again',
        { limit: this.config.PICKUP_CODE_FAILURE_LIMIT },
      );
    }
  }

  async recordFailure(leaderId: string): Promise<void> {
    await this.counter.record(leaderId);
  }
}
