import { Injectable } from '@nestjs/common';

export { BUSINESS_TIME_ZONE } from '@linli/domain';

/** The one source of "now" in the BFF, so that tests can move time. */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Test and demo use only: moves this instance's clock forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
