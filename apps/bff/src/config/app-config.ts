import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsJSON,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  value === true || value === 'true' || value === '1' || value === 'yes';

const DEV_ACCESS_SECRET = 'linli-dev-access-secret-not-for-production-use';
const DEV_REFRESH_SECRET = 'linli-dev-refresh-secret-not-for-production-use';
const DEV_MEMBER_CODE_SECRET = 'linli-dev-member-code-secret-not-for-production';
const DEV_SANDBOX_PAY_SECRET = 'linli-dev-sandbox-pay-secret-not-for-production';

/** Every setting the BFF reads, validated once at start-up. See apps/bff/.env.example. */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The address the BFF listens on: every interface, or 127.0.0.1 for this machine only (the demo). */
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_CONNECT_TIMEOUT_MS = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DB_STATEMENT_TIMEOUT_MS = 15000;

  /**
   * Where insight reports read from: a read replica, say. Unset: DATABASE_URL. Reports run on
   * their own small pool, so that a heavy one never takes the connections shoppers need.
   */
  @IsOptional()
  @IsString()
  ANALYTICS_DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  ANALYTICS_POOL_SIZE = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  ANALYTICS_STATEMENT_TIMEOUT_MS = 120_000;

  @IsOptional()
  @IsString()
  REDIS_URL?: string;

  @IsString()
  @MinLength(32)
  JWT_ACCESS_SECRET = DEV_ACCESS_SECRET;

  @IsString()
  @MinLength(32)
  JWT_REFRESH_SECRET = DEV_REFRESH_SECRET;

  /** Signs the dynamic member codes leaders scan. */
  @IsString()
  @MinLength(32)
  MEMBER_CODE_SECRET = DEV_MEMBER_CODE_SECRET;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(60)
  JWT_REFRESH_TTL_SECONDS = 30 * 24 * 3600;

  @IsOptional()
  @IsString()
  WECHAT_APP_ID?: string;

  @IsOptional()
  @IsString()
  WECHAT_APP_SECRET?: string;

  @IsUrl({ require_tld: false, require_protocol: true })
  WECHAT_API_BASE = 'https://api.weixin.qq.com';

  @Type(() => Number)
  @IsInt()
  @Min(100)
  WECHAT_TIMEOUT_MS = 5000;

  @Transform(toBoolean)
  @IsBoolean()
  AUTH_DEV_LOGIN = false;

  /** sandbox: payments succeed at once (demo, tests); wechat: WeChat Pay v3. */
  @IsIn(['sandbox', 'wechat'])
  PAYMENT_PROVIDER: 'sandbox' | 'wechat' = 'sandbox';

  /** WeChat Pay v3 merchant: id, certificate serial, APIv3 key (32 characters), private key (PEM). */
  @IsOptional()
  @IsString()
  WECHATPAY_MCH_ID?: string;

  @IsOptional()
  @IsString()
  WECHATPAY_SERIAL_NO?: string;

  @IsOptional()
  @IsString()
  @Length(32, 32)
  WECHATPAY_API_V3_KEY?: string;

  @IsOptional()
  @IsString()
  WECHATPAY_PRIVATE_KEY?: string;

  /**
   * The keys WeChat Pay signs notifications and answers with, by the serial it names each with
   * in Wechatpay-Serial, as JSON: {"PUB_KEY_ID_…": "-----BEGIN PUBLIC KEY-----\n…"}.
   */
  @IsOptional()
  @IsString()
  WECHATPAY_PLATFORM_PUBLIC_KEYS?: string;

  @IsUrl({ require_tld: false, require_protocol: true })
  WECHATPAY_API_BASE = 'https://api.mch.weixin.qq.com';

  /** Signs the sandbox provider's notifications. */
  @IsString()
  @MinLength(32)
  SANDBOX_PAY_SECRET = DEV_SANDBOX_PAY_SECRET;

  @IsOptional()
  @IsString()
  @MinLength(3)
  ADMIN_USERNAME?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  ADMIN_PASSWORD?: string;

  /** Prefixes every Redis key, so that several deployments can share one Redis. */
  @IsString()
  REDIS_KEY_PREFIX = 'linli:';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_RATE_WINDOW_SECONDS = 60;

  /**
   * Wrong passwords an admin account may be given per window, from any number of addresses,
   * before its log-in pauses until the window ends; from each address it logged in from lately,
   * as many again, apart.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  ADMIN_LOGIN_FAILURE_LIMIT = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  ADMIN_LOGIN_FAILURE_WINDOW_SECONDS = 900;

  /** Wrong pickup codes a leader may enter per window before verification pauses. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  PICKUP_CODE_FAILURE_LIMIT = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  PICKUP_CODE_FAILURE_WINDOW_SECONDS = 600;

  /** After-sales refunds are approved without an operator while an order's add up to less than this many fen. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  REFUND_AUTO_APPROVE_BELOW_FEN = 1000;

  /** The smallest commission withdrawal, fen. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  COMMISSION_MIN_WITHDRAWAL_FEN = 1000;

  /** recording: notices are kept and logged (demo, tests); wechat: WeChat subscribe messages. */
  @IsIn(['recording', 'wechat'])
  NOTIFICATION_PROVIDER: 'recording' | 'wechat' = 'recording';

  /**
   * The subscribe-message template of each kind of notice and the template fields its title
   * and body go in, as JSON: {"order_ready": {"templateId": "…", "title": "thing1",
   * "body": "thing2"}}. Kinds without a template are shown in the mini-program only.
   */
  @IsJSON()
  WECHAT_SUBSCRIBE_TEMPLATES = '{}';

  /** Tries to push one notice before giving up on it; retries wait 1, 2, 4… times the base. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  NOTIFICATION_MAX_ATTEMPTS = 6;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  NOTIFICATION_RETRY_BASE_SECONDS = 60;

  @Transform(toBoolean)
  @IsBoolean()
  JOBS_ENABLED = true;

  @Transform(toBoolean)
  @IsBoolean()
  DEMO_SEED = false;

  /**
   * Which proxies in front of the BFF to believe about the client's address (rate limits count
   * per client): a number of hops (1 behind one load balancer), true or false, or addresses and
   * subnets (loopback, 10.0.0.0/8, …) separated by commas.
   */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /**
   * Where the outside world reaches this BFF, e.g. https://api.linli.example: payment
   * notifications are sent to it. Unset: http://127.0.0.1 on the port the BFF listens on,
   * which only a provider on the same machine (the sandbox) can reach.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export class ConfigError extends Error {}

/** Reads and validates configuration; throws a ConfigError naming every bad variable. */
/**
 * Express's "trust proxy" setting for TRUST_PROXY. Express reads a string as addresses only, so
 * "1" would trust the address 0.0.0.1 rather than one hop: numbers and booleans are turned into
 * their own kinds first.
 */
export function trustProxySetting(value: string): number | boolean | string {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return trimmed;
}

/**
 * The configuration from the environment, validated. `serving`: for the HTTP server, which signs
 * tokens; it also refuses the published secrets when NODE_ENV is not given but a database of its
 * own is, as a deployment that forgot NODE_ENV would run (as development) with them.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  { serving = false } = {},
): AppConfig {
  const known = Object.keys(new AppConfig());
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) => value !== undefined && value !== '' && known.includes(key),
    ),
  );
  const config = plainToInstance(AppConfig, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  const lines = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`,
  );
  // The one platform key of earlier versions came without the serial WeChat Pay names it by:
  // refused rather than ignored, so that an upgrade is not left without a key it reads.
  if (env.WECHATPAY_PLATFORM_PUBLIC_KEY)
    lines.push(
      'WECHATPAY_PLATFORM_PUBLIC_KEY is no longer read: set WECHATPAY_PLATFORM_PUBLIC_KEYS to {"<its Wechatpay-Serial>": "<its PEM>"}',
    );
  if (lines.length > 0) throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  if (serving && env.NODE_ENV === undefined && config.DATABASE_URL) {
    const problems = publishedSecrets(config);
    if (problems.length > 0)
      throw new ConfigError(
        `Invalid configuration: NODE_ENV is not set, so the BFF would serve as development, with secrets anyone can read:\n  ${problems.join('\n  ')}\n  (or set NODE_ENV=development to run it locally with them)`,
      );
  }
  if (config.NODE_ENV === 'production') {
    const problems = publishedSecrets(config);
    if (config.PAYMENT_PROVIDER === 'sandbox')
      problems.push('PAYMENT_PROVIDER must be wechat in production');
    if (config.NOTIFICATION_PROVIDER === 'recording')
      problems.push('NOTIFICATION_PROVIDER must be wechat in production');
    if (config.AUTH_DEV_LOGIN) problems.push('AUTH_DEV_LOGIN must be off in production');
    if (config.DEMO_SEED) problems.push('DEMO_SEED must be off in production');
    if (!config.DATABASE_URL) problems.push('DATABASE_URL must be set in production');
    if (!config.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL must be set in production');
    if (problems.length > 0)
      throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}

/**
 * The secrets left at the development defaults or at .env.example's change-me placeholders:
 * anyone can read them, and sign admin tokens or member codes with them.
 */
function publishedSecrets(config: AppConfig): string[] {
  const published = (secret: string, devDefault: string) =>
    secret === devDefault || secret.startsWith('change-me');
  return [
    ['JWT_ACCESS_SECRET', config.JWT_ACCESS_SECRET, DEV_ACCESS_SECRET],
    ['JWT_REFRESH_SECRET', config.JWT_REFRESH_SECRET, DEV_REFRESH_SECRET],
    ['MEMBER_CODE_SECRET', config.MEMBER_CODE_SECRET, DEV_MEMBER_CODE_SECRET],
  ]
    .filter(([, secret, devDefault]) => published(secret, devDefault))
    .map(([name]) => `${name} must be set to a secret of this deployment`);
}
