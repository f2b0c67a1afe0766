import { Logger } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { Clock } from '../../common/clock';
import { AppConfig, ConfigError } from '../../config/app-config';
import {
  PaymentClosed,
  PaymentNotification,
  PaymentProvider,
  PaymentRequest,
  PaymentStart,
  ProviderUnavailable,
  RefundAnswer,
  RefundNotification,
  RefundRefused,
  RefundRequest,
  RefundStatus,
} from './payment-provider';
import { invalidNotification } from './sandbox-payment.provider';

// What the platform signed longer ago than this (a notification, an answer) is refused, so a
// captured one cannot be replayed later; WeChat Pay asks for the same five minutes.
const MAX_SIGNATURE_AGE_S = 300;
/** AEAD_AES_256_GCM seals every resource with a 16-byte tag after its ciphertext. */
const GCM_TAG_BYTES = 16;

interface WechatPaySettings {
  appId: string;
  mchId: string;
  serialNo: string;
  apiV3Key: Buffer;
  privateKey: KeyObject;
  /** The platform's keys by the serial WeChat Pay names each with in Wechatpay-Serial. */
  platformKeys: Map<string, KeyObject>;
  apiBase: string;
}

/** A PEM as an environment variable may hold it, its newlines written as \n. */
const pemOf = (text: string) => text.replace(/\\n/g, '\n');

/**
 * WECHATPAY_PLATFORM_PUBLIC_KEYS: the keys WeChat Pay signs with (a platform certificate, or its
 * public key, in PEM) by the serial it names each with: the certificate's serial number, or the
 * public key's id (PUB_KEY_ID_…). It signs with two while it rotates a key or moves a merchant
 * from platform certificates to its public key, so both must be configured meanwhile.
 */
export function platformKeys(json: string): Map<string, KeyObject> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(
      'WECHATPAY_PLATFORM_PUBLIC_KEYS must be a JSON object of each WeChat Pay platform key (PEM) by its serial: {"<Wechatpay-Serial>": "<PEM>"}',
    );
  const keys = new Map<string, KeyObject>();
  for (const [serial, pem] of Object.entries(parsed)) {
    if (!serial.trim())
      throw new ConfigError('WECHATPAY_PLATFORM_PUBLIC_KEYS names a key without its serial');
    // A public key would be derived from a private one, then check nothing WeChat Pay signs.
    if (/PRIVATE KEY-----/.test(String(pem)))
      throw new ConfigError(
        `WECHATPAY_PLATFORM_PUBLIC_KEYS.${serial} is a private key: give the public key or certificate WeChat Pay signs with`,
      );
    try {
      keys.set(serial, createPublicKey(pemOf(String(pem))));
    } catch {
      throw new ConfigError(
        `WECHATPAY_PLATFORM_PUBLIC_KEYS.${serial} is not a public key or certificate in PEM`,
      );
    }
  }
  if (keys.size === 0) throw new ConfigError('WECHATPAY_PLATFORM_PUBLIC_KEYS names no key');
  return keys;
}

/** WeChat Pay's refund states (create-refund answer and refund notifications). */
const REFUND_STATUS = new Map<string | undefined, RefundStatus>([
  ['SUCCESS', 'succeeded'],
  ['PROCESSING', 'processing'],
  ['ABNORMAL', 'abnormal'],
  ['CLOSED', 'closed'],
]);

/** out_trade_no allows 32 characters: the order's UUID without dashes. */
export const toTradeNo = (orderId: string) => orderId.replace(/-/g, '');
const fromTradeNo = (tradeNo: string) =>
  /^[0-9a-f]{32}$/.test(tradeNo)
    ? `${tradeNo.slice(0, 8)}-${tradeNo.slice(8, 12)}-${tradeNo.slice(12, 16)}-${tradeNo.slice(16, 20)}-${tradeNo.slice(20)}`
    : null;

/**
 * time_expire as WeChat Pay v3 reads it: RFC 3339 to the second, in Beijing time
 * (yyyy-MM-DDTHH:mm:ss+08:00). Shanghai has kept UTC+8 without daylight saving since 1991.
 */
const toWechatTime = (instant: Date) =>
  `${new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

/** A payment as WeChat Pay describes it, in a notification or a query's answer. */
interface WechatTransaction {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  amount?: { total?: number };
  success_time?: string;
}

/** A refund as WeChat Pay describes it, in the answer to a refund request or a refund query. */
interface WechatRefund {
  refund_id: string;
  out_refund_no?: string;
  status?: string;
  success_time?: string;
  user_received_account?: string;
}

/**
 * out_refund_no (64 characters at most): the order's trade number and a digest of the refund's
 * reason, so the same order and reason always make the same refund number, which WeChat Pay
 * refunds once.
 */
const toRefundNo = (orderId: string, reason: string) =>
  `${toTradeNo(orderId)}${createHash('sha256').update(reason).digest('hex').slice(0, 16)}`;

/** The first value of a header, as Node and axios give them (lower-case names). */
const headerOf = (headers: Record<string, unknown>, name: string) => {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
};

/** An error answer's { code, message }, or nothing when its body is not JSON. */
const parsed = (body: unknown): object => {
  try {
    return JSON.parse(Buffer.from(body as Buffer).toString('utf8')) ?? {};
  } catch {
    return {};
  }
};

/** WeChat Pay answered a request with an error status, saying why in its body. */
class WechatPayError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** WeChat Pay's own error code (ORDER_CLOSED, NOT_ENOUGH, …), when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * WeChat Pay API v3 (JSAPI): prepay orders signed with the merchant key, notifications and
 * answers verified with the platform key their serial names, notifications decrypted with the
 * APIv3 key, refunds.
 */
export class WechatPayProvider implements PaymentProvider {
  readonly name = 'wechat';
  private readonly logger = new Logger(WechatPayProvider.name);
  private readonly settings: WechatPaySettings;
  private readonly http: AxiosInstance;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    const {
      WECHAT_APP_ID,
      WECHATPAY_MCH_ID,
      WECHATPAY_SERIAL_NO,
      WECHATPAY_API_V3_KEY,
      WECHATPAY_PRIVATE_KEY,
      WECHATPAY_PLATFORM_PUBLIC_KEYS,
    } = config;
    if (
      !WECHAT_APP_ID ||
      !WECHATPAY_MCH_ID ||
      !WECHATPAY_SERIAL_NO ||
      !WECHATPAY_API_V3_KEY ||
      !WECHATPAY_PRIVATE_KEY ||
      !WECHATPAY_PLATFORM_PUBLIC_KEYS
    ) {
      throw new ConfigError(
        'PAYMENT_PROVIDER=wechat needs WECHAT_APP_ID, WECHATPAY_MCH_ID, WECHATPAY_SERIAL_NO, WECHATPAY_API_V3_KEY, WECHATPAY_PRIVATE_KEY and WECHATPAY_PLATFORM_PUBLIC_KEYS',
      );
    }
    this.settings = {
      appId: WECHAT_APP_ID,
      mchId: WECHATPAY_MCH_ID,
      serialNo: WECHATPAY_SERIAL_NO,
      apiV3Key: Buffer.from(WECHATPAY_API_V3_KEY, 'utf8'),
      privateKey: createPrivateKey(pemOf(WECHATPAY_PRIVATE_KEY)),
      platformKeys: platformKeys(WECHATPAY_PLATFORM_PUBLIC_KEYS),
      apiBase: config.WECHATPAY_API_BASE,
    };
    this.http = axios.create({ baseURL: this.settings.apiBase, timeout: 10_000 });
  }

  async start(request: PaymentRequest): Promise<PaymentStart> {
    const body = {
      appid: this.settings.appId,
      mchid: this.settings.mchId,
      description: request.description,
      out_trade_no: toTradeNo(request.orderId),
      notify_url: request.notifyUrl,
      time_expire: toWechatTime(request.expiresAt),
      amount: { total: request.amountFen, currency: 'CNY' },
      payer: { openid: request.openid },
    };
    let prepayId: string;
    try {
      prepayId = (
        await this.call<{ prepay_id: string }>('POST', '/v3/pay/transactions/jsapi', body)
      ).data.prepay_id;
    } catch (error) {
      // Paid already, its notice still to come: nothing left to pay.
      if (error instanceof WechatPayError && error.code === 'ORDERPAID')
        return { kind: 'completed' };
      if (error instanceof WechatPayError && error.code === 'ORDER_CLOSED')
        throw new PaymentClosed(error.message);
      const unreachable = axios.isAxiosError(error) && !error.response;
      const failing =
        error instanceof WechatPayError && (error.status >= 500 || error.code === 'SYSTEM_ERROR');
      if (!unreachable && !failing) throw error;
      this.logger.warn({ err: error, orderId: request.orderId }, 'WeChat Pay gave no prepay order');
      throw new ProviderUnavailable('WeChat Pay gave no prepay order');
    }
    const timeStamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const prepay = `prepay_id=${prepayId}`;
    const paySign = this.sign(`${this.settings.appId}\n${timeStamp}\n${nonceStr}\n${prepay}\n`);
    return { kind: 'wechat', timeStamp, nonceStr, package: prepay, signType: 'RSA', paySign };
  }

  verify(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): PaymentNotification {
    return this.paymentOf(this.open<WechatTransaction>(headers, rawBody));
  }

  /** A successful payment of an order of this merchant and app, as a notice or a query tells it. */
  private paymentOf(transaction: WechatTransaction): PaymentNotification {
    if (transaction.appid !== this.settings.appId || transaction.mchid !== this.settings.mchId) {
      this.logger.warn(
        { appId: transaction.appid, mchId: transaction.mchid },
        'payment for another merchant or app',
      );
      throw invalidNotification('another merchant or app');
    }
    const orderId = fromTradeNo(transaction.out_trade_no ?? '');
    if (
      transaction.trade_state !== 'SUCCESS' ||
      !orderId ||
      !transaction.transaction_id ||
      !Number.isSafeInteger(transaction.amount?.total)
    ) {
      this.logger.warn(
        { tradeState: transaction.trade_state, tradeNo: transaction.out_trade_no },
        'notification is not a successful payment',
      );
      throw invalidNotification('not a successful payment');
    }
    return {
      orderId,
      transactionId: transaction.transaction_id,
      amountFen: transaction.amount?.total as number,
      paidAt: new Date(transaction.success_time ?? this.clock.now().toISOString()),
    };
  }

  /**
   * Queries the order at WeChat Pay (by out_trade_no): its payment when SUCCESS; 'paying' for
   * USERPAYING (a payer still entering their password); 'unpaid' for any other state
   * (NOTPAY, CLOSED, PAYERROR, REVOKED) and for ORDER_NOT_EXIST.
   */
  async findPayment(orderId: string): Promise<PaymentNotification | 'unpaid' | 'paying'> {
    const path = `/v3/pay/transactions/out-trade-no/${toTradeNo(orderId)}?mchid=${this.settings.mchId}`;
    const transaction = await this.call<WechatTransaction>('GET', path).then(
      ({ data }) => data,
      (error: unknown) => {
        if (error instanceof WechatPayError && error.status === 404) return null;
        throw error;
      },
    );
    if (transaction?.trade_state === 'SUCCESS') return this.paymentOf(transaction);
    return transaction?.trade_state === 'USERPAYING' ? 'paying' : 'unpaid';
  }

  /**
   * Closes the order at WeChat Pay (关闭订单, by out_trade_no): 204. One it never heard of
   * (404 ORDER_NOT_EXIST) or closed already (400 ORDER_CLOSED) counts as closed; one paid
   * meanwhile (ORDERPAID) or whose payer is entering their password (202 USER_PAYING) stays open.
   */
  async close(orderId: string): Promise<'closed' | 'paying'> {
    const path = `/v3/pay/transactions/out-trade-no/${toTradeNo(orderId)}/close`;
    const refusal = await this.call<{ code?: string } | undefined>('POST', path, {
      mchid: this.settings.mchId,
    }).then(
      ({ data }) => data?.code,
      (error: unknown) => {
        if (!(error instanceof WechatPayError)) throw error;
        if (error.status === 404 || error.code === 'ORDER_CLOSED') return undefined;
        if (error.code === 'ORDERPAID') return error.code;
        throw error;
      },
    );
    if (refusal === undefined) return 'closed';
    this.logger.log({ orderId, code: refusal }, 'WeChat Pay keeps the order open');
    return 'paying';
  }

  /** A REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED notification, sealed like a payment's. */
  verifyRefund(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): RefundNotification {
    const refund = this.open<{
      mchid?: string;
      out_trade_no?: string;
      refund_id?: string;
      refund_status?: string;
      success_time?: string;
      user_received_account?: string;
    }>(headers, rawBody);
    if (refund.mchid !== this.settings.mchId) {
      this.logger.warn({ mchId: refund.mchid }, 'refund notification for another merchant');
      throw invalidNotification('another merchant');
    }
    const orderId = fromTradeNo(refund.out_trade_no ?? '');
    const status = REFUND_STATUS.get(refund.refund_status);
    if (!orderId || !refund.refund_id || !status || status === 'processing') {
      this.logger.warn(
        { refundStatus: refund.refund_status, tradeNo: refund.out_trade_no },
        'notification is not a refund outcome',
      );
      throw invalidNotification('not a refund outcome');
    }
    return {
      orderId,
      refundId: refund.refund_id,
      status,
      settledAt:
        status === 'succeeded'
          ? new Date(refund.success_time ?? this.clock.now().toISOString())
          : null,
      receivedAccount: refund.user_received_account ?? null,
    };
  }

  async refund(request: RefundRequest): Promise<RefundAnswer> {
    const { data } = await this.call<WechatRefund>('POST', '/v3/refund/domestic/refunds', {
      transaction_id: request.transactionId,
      // Same order and reason, same refund number: WeChat Pay refunds a number once.
      out_refund_no: toRefundNo(request.orderId, request.reason),
      reason: request.payerReason,
      notify_url: request.notifyUrl,
      amount: { refund: request.amountFen, total: request.totalFen, currency: 'CNY' },
    }).catch((error: unknown) => {
      // A 400, 403 or 404 refuses the refund as sent (PARAM_ERROR, NOT_ENOUGH, RESOURCE_NOT_EXISTS, …).
      // After a 5xx, or no answer, WeChat Pay may have made the refund; a 401 (SIGN_ERROR) or a
      // 429 (FREQUENCY_LIMITED) turns the request away before looking at the refund number, so it
      // says nothing about an earlier attempt that may have made it.
      if (error instanceof WechatPayError && [400, 403, 404].includes(error.status))
        throw new RefundRefused(error.message);
      throw error;
    });
    return this.refundOf(data);
  }

  /**
   * Queries a refund at WeChat Pay by its refund number; its answer reads like the answer to the
   * refund request. A 404 (RESOURCE_NOT_EXISTS) means WeChat Pay has no such refund.
   */
  async findRefund({
    orderId,
    reason,
  }: Pick<RefundRequest, 'orderId' | 'reason'>): Promise<RefundAnswer | null> {
    const refundNo = toRefundNo(orderId, reason);
    const refund = await this.call<WechatRefund>(
      'GET',
      `/v3/refund/domestic/refunds/${refundNo}`,
    ).then(
      ({ data }) => data,
      (error: unknown) => {
        if (error instanceof WechatPayError && error.status === 404) return null;
        throw error;
      },
    );
    if (!refund) return null;
    if (refund.out_refund_no !== refundNo || !refund.refund_id) {
      this.logger.warn(
        { asked: refundNo, answered: refund.out_refund_no, refundId: refund.refund_id },
        'refund query answered about another refund',
      );
      throw invalidNotification('not the refund asked about');
    }
    return this.refundOf(refund);
  }

  /** Where a refund stands, as WeChat Pay's answer to a refund request or query tells it. */
  private refundOf(refund: WechatRefund): RefundAnswer {
    let status = REFUND_STATUS.get(refund.status);
    if (!status) {
      // Not a status this code knows: still processing, until a notification or a query tells more.
      this.logger.warn(
        { refundId: refund.refund_id, status: refund.status },
        'unknown refund status',
      );
      status = 'processing';
    }
    return {
      refundId: refund.refund_id,
      status,
      settledAt:
        status === 'succeeded'
          ? new Date(refund.success_time ?? this.clock.now().toISOString())
          : null,
      receivedAccount: refund.user_received_account ?? null,
    };
  }

  /**
   * Checks a notification's platform signature and age, and decrypts its resource with the
   * APIv3 key (AEAD_AES_256_GCM); payment and refund notifications are sealed alike.
   */
  private open<T>(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): T {
    const unsigned = this.unsigned(headers, rawBody);
    if (unsigned) throw invalidNotification(unsigned);
    try {
      const { resource } = JSON.parse(rawBody.toString('utf8'));
      const sealed = Buffer.from(resource.ciphertext, 'base64');
      if (sealed.length <= GCM_TAG_BYTES) throw new Error('no ciphertext');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.settings.apiV3Key,
        Buffer.from(resource.nonce, 'utf8'),
        { authTagLength: GCM_TAG_BYTES },
      );
      decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
      return JSON.parse(
        Buffer.concat([
          decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8'),
      );
    } catch {
      throw invalidNotification('resource cannot be decrypted');
    }
  }

  /**
   * Why a body the platform sends (a notification, an answer) cannot be taken as the platform's,
   * or null when it can: Wechatpay-Signature must be its RSA-SHA256 signature, by the platform
   * key Wechatpay-Serial names, of `${Wechatpay-Timestamp}\n${Wechatpay-Nonce}\n${body}\n` over
   * the raw body, made within the last five minutes.
   */
  private unsigned(headers: Record<string, unknown>, body: Buffer): string | null {
    const timestamp = headerOf(headers, 'wechatpay-timestamp');
    const nonce = headerOf(headers, 'wechatpay-nonce');
    const signature = headerOf(headers, 'wechatpay-signature');
    const serial = headerOf(headers, 'wechatpay-serial');
    if (!timestamp || !nonce || !signature || !serial) return 'missing signature headers';
    if (!/^\d{1,12}$/.test(timestamp)) return 'malformed timestamp';
    if (Math.abs(this.clock.now().getTime() / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_S)
      return 'stale signature';
    // Only the key the serial names, never another in its stead: a serial the BFF has no key for
    // is refused and warned about, so that a new key gets noticed and added.
    const key = this.settings.platformKeys.get(serial);
    if (!key) {
      // Most likely a key WeChat Pay has started signing with: until it is configured, each
      // notice and answer it signs is refused.
      this.logger.warn(
        { serial },
        'signed by a platform key not configured: add it to WECHATPAY_PLATFORM_PUBLIC_KEYS',
      );
      return 'unknown platform key';
    }
    const verifier = createVerify('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n`)
      .update(body)
      .update('\n');
    return verifier.verify(key, signature, 'base64') ? null : 'bad signature';
  }

  /**
   * Calls the API with the merchant's request signature (WECHATPAY2-SHA256-RSA2048). A
   * successful answer counts only once its platform signature is checked: one that fails is
   * taken as no answer at all, so no caller reads a payment, a non-payment or a refund into it.
   */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<{ data: T }> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = this.sign(`${method}\n${path}\n${timestamp}\n${nonce}\n${text}\n`);
    const authorization =
      `WECHATPAY2-SHA256-RSA2048 mchid="${this.settings.mchId}",nonce_str="${nonce}",` +
      `signature="${signature}",timestamp="${timestamp}",serial_no="${this.settings.serialNo}"`;
    const answer = await this.http
      .request<Buffer>({
        method,
        url: path,
        data: body === undefined ? undefined : text,
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        // The raw bytes: the signature is over the body exactly as sent.
        responseType: 'arraybuffer',
      })
      .catch((error: unknown) => {
        // WeChat Pay says why it refused in the body: { code, message }. Error answers are taken
        // by their status unverified: WeChat Pay signs only answers to requests whose signature
        // it accepted, so a 401 or a gateway's 5xx comes unsigned. A forged 404 can therefore
        // still pass an order as unpaid or a refund as unknown, and a forged 400/403/404 a refund
        // as refused.
        if (!axios.isAxiosError(error) || !error.response) throw error;
        const { code, message } = parsed(error.response.data) as {
          code?: string;
          message?: string;
        };
        throw new WechatPayError(
          `WeChat Pay answered ${error.response.status} to ${path}: ${code ?? '-'} ${message ?? ''}`.trim(),
          error.response.status,
          code,
        );
      });
    const unsigned = this.unsigned(answer.headers, answer.data);
    if (unsigned) {
      this.logger.warn(
        {
          path,
          status: answer.status,
          serial: headerOf(answer.headers, 'wechatpay-serial'),
          reason: unsigned,
        },
        'answer not signed by the platform: taken as no answer',
      );
      throw new Error(`WeChat Pay's answer to ${path} is not signed by the platform: ${unsigned}`);
    }
    // A 204 (an order closed) has no body.
    const answered = answer.data.toString('utf8');
    return { data: (answered === '' ? undefined : JSON.parse(answered)) as T };
  }

  private sign(message: string): string {
    return createSign('RSA-SHA256').update(message).sign(this.settings.privateKey, 'base64');
  }
}
