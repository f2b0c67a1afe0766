import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

export const REDIS = Symbol('REDIS');

const REDIS_COMMAND_TIMEOUT_MS = 1000;

export function createRedis(config: AppConfig): Redis | null {
  if (!config.REDIS_URL) return null;
  const redis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    // A Redis that takes connections but answers nothing must not keep requests waiting: the
    // commands the BFF sends answer in microseconds, so one without an answer by then never will.
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  });
  // While Redis is away the client reconnects by itself; requests that need it answer 503.
  const logger = new Logger('Redis');
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'Redis cannot be reached'));
  return redis;
}

@Injectable()
export class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    // A Redis that does not answer QUIT is left without waiting for it.
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/**
 * True when an error means Redis cannot be reached (a command gave up on reconnecting, or waited
 * for an answer in vain), rather than a bad command.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /^Connection is closed\.?$|Stream isn't writeable|^Command timed out$/.test(error.message)
  );
}
