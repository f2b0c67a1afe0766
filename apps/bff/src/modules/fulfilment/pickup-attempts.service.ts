import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import type Redis from 'ioredis';
import { Clock } from '../../common/clock';
import { AppException } from '../../common/errors/app-exception';
import { REDIS } from '../../common/redis';
import { AppConfig } from '../../config/app-config';

/**
 * Counts a leader's wrong pickup codes. Past the limit within the window, verification
 * pauses for that leader until the window ends, so 10^8 codes cannot be walked through.
 * Counters live in Redis when there is one (shared by every instance), else in this process.
 */
@Injectable()
export class PickupAttemptsService {
  private readonly local = new Map<string, { failures: number; resetAt: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  /** RATE_LIMITED while the leader has too many wrong codes in the current window. */
  async assertAllowed(leaderId: string): Promise<void> {
    const failures = await this.failures(leaderId);
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
    const windowMs = this.config.PICKUP_CODE_FAILURE_WINDOW_SECONDS * 1000;
    if (this.redis) {
      const key = this.key(leaderId);
      await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').exec();
      return;
    }
    const now = this.clock.now().getTime();
    const entry = this.local.get(leaderId);
    if (!entry || entry.resetAt <= now)
      this.local.set(leaderId, { failures: 1, resetAt: now + windowMs });
    else entry.failures += 1;
  }

  private async failures(leaderId: string): Promise<number> {
    if (this.redis) return Number((await this.redis.get(this.key(leaderId))) ?? 0);
    const entry = this.local.get(leaderId);
    return entry && entry.resetAt > this.clock.now().getTime() ? entry.failures : 0;
  }

  private key(leaderId: string): string {
    return `${this.config.REDIS_KEY_PREFIX}pickup-failures:${leaderId}`;
  }
}
