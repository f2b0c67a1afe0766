import type Redis from 'ioredis';
import { Clock } from '../clock';

// Counts one failure; the first of a window opens it (PEXPIRE's NX option, in a form Redis
// before 7.0 runs too).
const RECORD_SCRIPT = `
local failures = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return failures
`;

// Takes back one failure, never below none: a window that ended meanwhile stays ended.
const FORGIVE_SCRIPT = `
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures > 0 then redis.call('DECR', KEYS[1]) end
return failures
`;

/** Past this many keys in this process, those whose window ended are let go, once a window. */
const LOCAL_SWEEP_SIZE = 10_000;

/**
 * Failures by key (a leader's wrong pickup codes, an account's wrong passwords), each key's in a
 * window opened by its first failure. Counters live in Redis when there is one (shared by every
 * instance), else in this process.
 */
export class FailureCounter {
  private readonly local = new Map<string, { failures: number; resetAt: number }>();
  /** When this process last let go of keys whose window ended: once a window at most. */
  private sweptAt = 0;

  constructor(
    private readonly redis: Redis | null,
    private readonly clock: Clock,
    /** Prefixes the key in Redis. */
    private readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  /** The key's failures in its current window. */
  async failures(key: string): Promise<number> {
    if (this.redis) return Number((await this.redis.get(this.prefix + key)) ?? 0);
    const entry = this.local.get(key);
    return entry && entry.resetAt > this.clock.now().getTime() ? entry.failures : 0;
  }

  /** Counts one more failure at once; the key's failures in its window, this one included. */
  async record(key: string): Promise<number> {
    if (this.redis) {
      return Number(await this.redis.eval(RECORD_SCRIPT, 1, this.prefix + key, this.windowMs));
    }
    const now = this.clock.now().getTime();
    if (this.local.size >= LOCAL_SWEEP_SIZE && now >= this.sweptAt + this.windowMs) {
      for (const [old, { resetAt }] of this.local) if (resetAt <= now) this.local.delete(old);
      this.sweptAt = now;
    }
    const entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) {
      this.local.set(key, { failures: 1, resetAt: now + this.windowMs });
      return 1;
    }
    entry.failures += 1;
    return entry.failures;
  }

  /** Takes back a failure recorded ahead of an attempt that turned out right. */
  async forgive(key: string): Promise<void> {
    if (this.redis) {
      await this.redis.eval(FORGIVE_SCRIPT, 1, this.prefix + key);
      return;
    }
    const entry = this.local.get(key);
    if (entry && entry.failures > 0) entry.failures -= 1;
  }
}
