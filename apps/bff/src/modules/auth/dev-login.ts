import { createHash } from 'node:crypto';

export const DEV_CODE_PREFIX = 'dev:';
export const DEV_NAME_PATTERN = /^[\p{L}\p{N}_.-]{1,32}$/u;

/** The stable openid behind the dev log-in `dev:<name>`, used by the dev provider and the demo seed. */
export function devOpenid(name: string): string {
  return `dev_${createHash('sha256').update(name).digest('hex').slice(0, 28)}`;
}
