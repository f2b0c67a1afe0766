import { Logger } from '@nestjs/common';
import { pointsToEarn } from '@linli/domain';
import { ErrorCode, formatYuan } from '@linli/shared';
import {
  createCipheriv,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from '../src/common/clock';
import { RequestContext } from '../src/common/request-context';
import { TransactionalConnection } from '../src/common/transaction/transactional-connection';
import { ProviderRefunds } from '../src/modules/group-buy/provider-refunds.service';
import { RecordingNotificationSender } from '../src/modules/notifications/recording-notification.sender';
import { toTradeNo } from '../src/modules/payments/wechat-pay.provider';
import { createPickupPoints, liveCampaign } from './support/group-buy-fixtures';
import { lockWaits } from './support/lock-waits';
import { loginAdmin, loginMember, startTestApp, TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const pem = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

/** A payment of the whole order as WeChat Pay describes it, in a notice or a query's answer. */
const successfulPayment = (
  order: { id: string; payable: number },
  transactionId: string,
  successTime = new Date().toISOString(),
) => ({
  out_trade_no: toTradeNo(order.id),
  transaction_id: transactionId,
  trade_state: 'SUCCESS',
  amount: { total: order.payable, payer_total: order.payable, currency: 'CNY' },
  success_time: successTime,
});

describe('WeChat Pay v3, against a local stand-in with locally generated keys', () => {
  const merchant = pem();
  /**
   * The keys WeChat Pay signs with, each named in Wechatpay-Serial: a platform certificate by its
   * serial number and WeChat Pay's public key by its id, both in use while it moves a merchant
   * from the one to the other (or rotates a key).
   */
  const platform = { serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', ...pem() };
  const nextPlatform = { serial: 'PUB_KEY_ID_0119000000012025012300000000000001', ...pem() };
  /** A serial the BFF has no key for, as when WeChat Pay starts signing with a key not yet configured. */
  const unknownSerial = 'PUB_KEY_ID_0119000000012026060100000000000009';
  const apiV3Key = randomBytes(16).toString('hex'); // 32 characters
  const calls: { path: string; body: Record<string, unknown>; authorization: string }[] = [];
  /** While set, the stand-in refuses refund requests as WeChat Pay does when it is overloaded. */
  let refundsDown = false;
  /** While set, the stand-in refuses refund requests outright, as when the merchant's balance is short. */
  let refundsRefused = false;
  /** While set, the stand-in turns refund requests away unread, as WeChat Pay does when asked too often. */
  let refundsLimited = false;
  /**
   * What the stand-in answers when asked about an order (by out_trade_no): absent, 404
   * ORDER_NOT_EXIST; 'slow', the same a second and a half later.
   */
  const transactions = new Map<string, Record<string, unknown> | 'down' | 'slow'>();
  /**
   * What the stand-in answers when asked about a refund (by out_refund_no): each refund it took,
   * as it answered the request, until a test moves it on; 'down', a server error; absent, 404
   * RESOURCE_NOT_EXISTS.
   */
  const refundsAtWechat = new Map<string, Record<string, unknown> | 'down'>();
  /**
   * How the stand-in answers a request to close an order (by out_trade_no) other than with 204:
   * 'paid', 400 ORDERPAID; 'paying', 202 USER_PAYING; 'down', a server error.
   */
  const closeRefusals = new Map<string, 'paid' | 'paying' | 'down'>();
  /** How WeChat Pay refuses a prepay order for an out_trade_no: paid already, closed, or down. */
  const prepayRefusals = new Map<string, 'paid' | 'closed' | 'down'>();
  /** While set, what the stand-in does when asked about a refund (by out_refund_no), before it answers. */
  let beforeRefundAnswer: ((outRefundNo: string) => Promise<unknown> | undefined) | undefined;
  let server: Server;
  let t: TestApp;
  let admin: string;
  let skuId: string;
  let buyer: { accessToken: string; member: { id: string } };

  /** Now in seconds, as WeChat Pay tells it: time moves for it as it does for the BFF's clock. */
  const wechatNow = () => Math.floor(t.app.get(Clock).now().getTime() / 1000);
  /** The headers by which the platform signs a body (an answer or a notification). */
  const signatureOf = (
    body: string,
    {
      timestamp = wechatNow(),
      key = platform.privateKey,
      serial = platform.serial,
    }: { timestamp?: number | string; key?: string; serial?: string } = {},
  ) => {
    const nonce = randomBytes(8).toString('hex');
    return {
      'wechatpay-timestamp': String(timestamp),
      'wechatpay-nonce': nonce,
      'wechatpay-signature': createSign('RSA-SHA256')
        .update(`${timestamp}\n${nonce}\n${body}\n`)
        .sign(key, 'base64'),
      'wechatpay-serial': serial,
    };
  };

  /**
   * While set, what the stand-in sends in place of each successful answer: given the body WeChat
   * Pay would sign, the body and signature headers that reach the BFF instead.
   */
  let forge: ((body: string) => { body: string; headers: object }) | undefined;
  /** Successful answers as one without the platform key could send them. */
  const forgeries = {
    unsigned: (body: string) => ({ body, headers: {} }),
    'signed with another key': (body: string) => ({
      body,
      headers: signatureOf(body, { key: merchant.privateKey }),
    }),
    'signed ten minutes ago': (body: string) => ({
      body,
      headers: signatureOf(body, { timestamp: wechatNow() - 600 }),
    }),
    // A genuine platform signature, under a serial the BFF has no key for.
    'signed under an unknown serial': (body: string) => ({
      body,
      headers: signatureOf(body, { serial: unknownSerial }),
    }),
    'signed by one platform key under the serial of the other': (body: string) => ({
      body,
      headers: signatureOf(body, { key: nextPlatform.privateKey }),
    }),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        calls.push({
          path: req.url ?? '',
          body: text ? JSON.parse(text) : {},
          authorization: String(req.headers.authorization),
        });
        const answer = (status: number, body: object) => {
          const json = JSON.stringify(body);
          const sent =
            status < 300 && forge ? forge(json) : { body: json, headers: signatureOf(json) };
          res
            .writeHead(status, { 'content-type': 'application/json', ...sent.headers })
            .end(sent.body);
        };
        const queried = /^\/v3\/pay\/transactions\/out-trade-no\/(\w+)\?mchid=1900000001$/.exec(
          req.url ?? '',
        );
        if (req.method === 'GET' && queried) {
          const transaction = transactions.get(queried[1]);
          if (transaction === 'down')
            return answer(500, { code: 'SYSTEM_ERROR', message: '系统超时' });
          if (transaction === 'slow')
            return void setTimeout(
              () => answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }),
              1_500,
            );
          if (!transaction) return answer(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
          return answer(200, transaction);
        }
        const closed = /^\/v3\/pay\/transactions\/out-trade-no\/(\w+)\/close$/.exec(req.url ?? '');
        if (req.method === 'POST' && closed) {
          const refusal = closeRefusals.get(closed[1]);
          if (refusal === 'down') return answer(500, { code: 'SYSTEM_ERROR', message: '系统超时' });
          if (refusal === 'paid') return answer(400, { code: 'ORDERPAID', message: '订单已支付' });
          if (refusal === 'paying')
            return answer(202, { code: 'USER_PAYING', message: '用户支付中，需要输入密码' });
          return void res.writeHead(204, signatureOf('')).end();
        }
        const refundQueried = /^\/v3\/refund\/domestic\/refunds\/(\w+)$/.exec(req.url ?? '');
        if (req.method === 'GET' && refundQueried) {
          const refund = refundsAtWechat.get(refundQueried[1]);
          if (refund === 'down') return answer(500, { code: 'SYSTEM_ERROR', message: '系统超时' });
          if (!refund) return answer(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
          return void Promise.resolve(beforeRefundAnswer?.(refundQueried[1])).then(() =>
            answer(200, refund),
          );
        }
        if (req.url === '/v3/pay/transactions/jsapi') {
          const refusal = prepayRefusals.get(JSON.parse(text).out_trade_no);
          if (refusal === 'paid')
            return answer(400, { code: 'ORDERPAID', message: '该订单已支付' });
          if (refusal === 'closed')
            return answer(400, { code: 'ORDER_CLOSED', message: '当前订单已关闭，请重新下单' });
          if (refusal === 'down') return answer(500, { code: 'SYSTEM_ERROR', message: '系统超时' });
          return answer(200, { prepay_id: 'wx_prepay_1' });
        }
        if (req.url === '/v3/refund/domestic/refunds') {
          if (refundsDown) return answer(500, { code: 'SYSTEM_ERROR', message: '系统超时' });
          if (refundsRefused)
            return answer(403, { code: 'NOT_ENOUGH', message: '基本账户余额不足' });
          if (refundsLimited)
            return answer(429, { code: 'FREQUENCY_LIMITED', message: '你的操作过于频繁' });
          const body = JSON.parse(text);
          const refund = {
            refund_id: `wx-refund-${body.out_refund_no}`,
            out_refund_no: body.out_refund_no,
            transaction_id: body.transaction_id,
            out_trade_no: body.out_refund_no.slice(0, 32),
            status: 'PROCESSING',
            user_received_account: '招商银行信用卡0403',
          };
          refundsAtWechat.set(body.out_refund_no, refund);
          return answer(200, refund);
        }
        answer(404, {});
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await startTestApp({
      PAYMENT_PROVIDER: 'wechat',
      WECHAT_APP_ID: 'wx_app_1',
      WECHAT_APP_SECRET: 'secret',
      WECHATPAY_MCH_ID: '1900000001',
      WECHATPAY_SERIAL_NO: 'SERIAL01',
      WECHATPAY_API_V3_KEY: apiV3Key,
      WECHATPAY_PRIVATE_KEY: merchant.privateKey,
      WECHATPAY_PLATFORM_PUBLIC_KEYS: JSON.stringify({
        [platform.serial]: platform.publicKey,
        [nextPlatform.serial]: nextPlatform.publicKey,
      }),
      WECHATPAY_API_BASE: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      PUBLIC_BASE_URL: 'https://api.linli.example/',
    });
    admin = await loginAdmin(t);
    const points = await createPickupPoints(t);
    const product = await t
      .http()
      .post('/api/v1/admin/products')
      .auth(admin, { type: 'bearer' })
      .send({ name: '脐橙', skus: [{ name: '5斤', priceFen: 3_990 }] })
      .expect(201);
    skuId = product.body.skus[0].id;
    buyer = await loginMember(t, 'wxpay-buyer');
    await t
      .http()
      .put('/api/v1/me/pickup-point')
      .auth(buyer.accessToken, { type: 'bearer' })
      .send({ pickupPointId: points.east })
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const placeOrder = async (campaignOverrides: Record<string, unknown> = {}) => {
    const campaign = await t
      .http()
      .post('/api/v1/admin/campaigns')
      .auth(admin, { type: 'bearer' })
      .send(liveCampaign(skuId, campaignOverrides))
      .expect(201);
    await t
      .http()
      .post(`/api/v1/admin/campaigns/${campaign.body.id}/publish`)
      .auth(admin, { type: 'bearer' })
      .expect(200);
    const order = await t
      .http()
      .post('/api/v1/orders')
      .auth(buyer.accessToken, { type: 'bearer' })
      .set('Idempotency-Key', randomBytes(8).toString('hex'))
      .send({ items: [{ campaignId: campaign.body.id, quantity: 1 }] })
      .expect(201);
    return order.body as {
      id: string;
      payable: number;
      expiresAt: string;
      lines: { title: string; campaignId: string }[];
    };
  };

  const stateOf = async (orderId: string) =>
    (
      await t
        .http()
        .get(`/api/v1/me/orders/${orderId}`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .expect(200)
    ).body.state;

  const expireUnpaid = () =>
    t
      .http()
      .post('/api/v1/admin/jobs/cancel-unpaid-orders/run')
      .auth(admin, { type: 'bearer' })
      .expect(200);

  /** A notification as WeChat Pay sends it: the transaction sealed with the APIv3 key, the body signed by the platform. */
  const notification = (
    transaction: object,
    options: {
      timestamp?: number | string;
      signWith?: string;
      serial?: string;
      path?: string;
      eventType?: string;
      tamper?: (body: string) => string;
    } = {},
  ) => {
    const kind = options.path ? 'refund' : 'transaction';
    // Every payment notice names the merchant and the app it is for.
    const resource =
      kind === 'transaction'
        ? { appid: 'wx_app_1', mchid: '1900000001', ...transaction }
        : transaction;
    const nonce = randomBytes(6).toString('hex');
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce));
    cipher.setAAD(Buffer.from(kind));
    const sealed = Buffer.concat([
      cipher.update(JSON.stringify(resource)),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const body = JSON.stringify({
      id: randomBytes(8).toString('hex'),
      event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
      resource_type: 'encrypt-resource',
      resource: {
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: sealed.toString('base64'),
        associated_data: kind,
        nonce,
        original_type: kind,
      },
    });
    return t
      .http()
      .post(options.path ?? '/api/v1/payments/notify/wechat')
      .set({
        'content-type': 'application/json',
        ...signatureOf(body, {
          timestamp: options.timestamp,
          key: options.signWith,
          serial: options.serial,
        }),
      })
      .send(options.tamper ? options.tamper(body) : body);
  };

  it('creates a JSAPI prepay order signed by the merchant, notified at the configured address, and returns requestPayment parameters signed too', async () => {
    const order = await placeOrder();
    const res = await t
      .http()
      .post(`/api/v1/orders/${order.id}/pay`)
      .auth(buyer.accessToken, { type: 'bearer' })
      .set('Host', 'attacker.example')
      .expect(200);
    expect(res.body).toMatchObject({
      kind: 'wechat',
      package: 'prepay_id=wx_prepay_1',
      signType: 'RSA',
      order: { state: 'pending_payment' },
    });
    const message = `wx_app_1\n${res.body.timeStamp}\n${res.body.nonceStr}\n${res.body.package}\n`;
    expect(
      createVerify('RSA-SHA256')
        .update(message)
        .verify(merchant.publicKey, res.body.paySign, 'base64'),
    ).toBe(true);

    const call = calls.find((c) => c.path === '/v3/pay/transactions/jsapi')!;
    expect(call.body).toMatchObject({
      appid: 'wx_app_1',
      mchid: '1900000001',
      out_trade_no: toTradeNo(order.id),
      amount: { total: order.payable, currency: 'CNY' },
      // The configured public address, not the Host the client sent.
      notify_url: 'https://api.linli.example/api/v1/payments/notify/wechat',
    });
    expect(call.authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",.*serial_no="SERIAL01"$/,
    );
  });

  it('tells WeChat Pay to stop taking the payment at the cut-off when it comes before the 15 minutes', async () => {
    const cutsOffAt = new Date(Date.now() + 5 * 60_000);
    const order = await placeOrder({ cutsOffAt: cutsOffAt.toISOString() });
    await t
      .http()
      .post(`/api/v1/orders/${order.id}/pay`)
      .auth(buyer.accessToken, { type: 'bearer' })
      .expect(200);
    const call = calls.find(
      (c) => c.path === '/v3/pay/transactions/jsapi' && c.body.out_trade_no === toTradeNo(order.id),
    )!;
    // RFC 3339 to the second, Beijing time, as the JSAPI order takes it.
    const timeExpire = String(call.body.time_expire);
    expect(timeExpire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(Date.parse(timeExpire)).toBe(Math.floor(cutsOffAt.getTime() / 1000) * 1000);
    expect(Date.parse(order.expiresAt)).toBe(cutsOffAt.getTime());
  });

  it('gives the payer nothing to pay with from a prepay answer WeChat Pay did not sign', async () => {
    const order = await placeOrder();
    forge = forgeries.unsigned;
    try {
      const res = await t
        .http()
        .post(`/api/v1/orders/${order.id}/pay`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .expect(500);
      expect(res.body.paySign).toBeUndefined();
    } finally {
      forge = undefined;
    }
    expect(await stateOf(order.id)).toBe('pending_payment');
  });

  it('records an order paid whose notices have not come when it is paid again: nothing to pay, the order paid', async () => {
    const order = await placeOrder();
    const tradeNo = toTradeNo(order.id);
    transactions.set(tradeNo, {
      ...successfulPayment(order, '4200000120'),
      appid: 'wx_app_1',
      mchid: '1900000001',
    });
    prepayRefusals.set(tradeNo, 'paid');
    try {
      const res = await t
        .http()
        .post(`/api/v1/orders/${order.id}/pay`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .expect(200);
      expect(res.body).toMatchObject({ kind: 'completed', order: { state: 'paid' } });
      expect(res.body.paySign).toBeUndefined();
      const [payment] = await t.dataSource.query(
        `SELECT transaction_id, amount_fen FROM payments WHERE order_id = $1`,
        [order.id],
      );
      expect(payment).toEqual({ transaction_id: '4200000120', amount_fen: order.payable });
    } finally {
      transactions.delete(tradeNo);
      prepayRefusals.delete(tradeNo);
    }
  });

  it('says an order WeChat Pay has closed can no longer be paid, and that WeChat Pay is not answering while it gives no prepay order', async () => {
    const order = await placeOrder();
    const tradeNo = toTradeNo(order.id);
    const pay = () =>
      t.http().post(`/api/v1/orders/${order.id}/pay`).auth(buyer.accessToken, { type: 'bearer' });
    try {
      prepayRefusals.set(tradeNo, 'closed');
      expect((await pay().expect(409)).body.error.code).toBe(ErrorCode.OrderStateInvalid);
      prepayRefusals.set(tradeNo, 'down');
      expect((await pay().expect(502)).body.error.code).toBe(ErrorCode.WechatUnavailable);
      prepayRefusals.delete(tradeNo);
      expect((await pay().expect(200)).body.kind).toBe('wechat');
    } finally {
      prepayRefusals.delete(tradeNo);
    }
    expect(await stateOf(order.id)).toBe('pending_payment');
  });

  it('accepts a genuine notification once and refuses forged, tampered and stale ones', async () => {
    const order = await placeOrder();
    const transaction = successfulPayment(order, '4200000001');
    const forged = await notification(transaction, { signWith: merchant.privateKey }).expect(400);
    expect(forged.body.error.code).toBe(ErrorCode.PaymentNotificationInvalid);
    await notification(transaction, { timestamp: Math.floor(Date.now() / 1000) - 3600 }).expect(
      400,
    );
    await notification({ ...transaction, trade_state: 'NOTPAY' }).expect(400);
    // Genuine, but for another merchant or another app of ours; a timestamp that is no number.
    await notification({ ...transaction, mchid: '1900000002' }).expect(400);
    await notification({ ...transaction, appid: 'wx_other_app' }).expect(400);
    await notification(transaction, { timestamp: 'soon' }).expect(400);
    const cheap = await notification({ ...transaction, amount: { total: 1 } }).expect(400);
    expect(cheap.body.error.code).toBe(ErrorCode.PaymentAmountMismatch);

    await notification(transaction).expect(200);
    await notification(transaction).expect(200);
    const state = await t
      .http()
      .get(`/api/v1/me/orders/${order.id}`)
      .auth(buyer.accessToken, { type: 'bearer' })
      .expect(200);
    expect(state.body.state).toBe('paid');
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM payments WHERE order_id = $1`,
      [order.id],
    );
    expect(n).toBe(1);

    await t
      .http()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .auth(buyer.accessToken, { type: 'bearer' })
      .expect(200);
    const refund = calls.find((c) => c.path === '/v3/refund/domestic/refunds')!;
    expect(refund.body).toMatchObject({
      transaction_id: '4200000001',
      amount: { refund: order.payable, total: order.payable },
    });
  });

  it('records a payment whose notice is signed by the second platform key, under its serial, as while WeChat Pay rotates its keys', async () => {
    const order = await placeOrder();
    await notification(successfulPayment(order, '4200000021'), {
      signWith: nextPlatform.privateKey,
      serial: nextPlatform.serial,
    }).expect(200);
    expect(await stateOf(order.id)).toBe('paid');
  });

  it('refuses a notice under a serial it has no key for, whichever key signed it, and warns naming the serial; the order stays unpaid', async () => {
    const order = await placeOrder();
    const transaction = successfulPayment(order, '4200000022');
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    try {
      // A key the BFF was never given, and each configured one: none is tried in the named key's stead.
      for (const signWith of [pem().privateKey, platform.privateKey, nextPlatform.privateKey]) {
        const refused = await notification(transaction, { signWith, serial: unknownSerial }).expect(
          400,
        );
        expect(refused.body.error.code).toBe(ErrorCode.PaymentNotificationInvalid);
      }
      const named = warnings.mock.calls.filter(
        ([details]) => (details as { serial?: string } | undefined)?.serial === unknownSerial,
      );
      expect(named).toEqual(
        Array(3).fill([
          { serial: unknownSerial },
          expect.stringContaining('WECHATPAY_PLATFORM_PUBLIC_KEYS'),
        ]),
      );
    } finally {
      warnings.mockRestore();
    }
    expect(await stateOf(order.id)).toBe('pending_payment');
  });

  it('refuses a notice signed by one platform key under the serial of the other; the order stays unpaid', async () => {
    const order = await placeOrder();
    const transaction = successfulPayment(order, '4200000023');
    for (const [signer, named] of [
      [nextPlatform, platform],
      [platform, nextPlatform],
    ]) {
      const refused = await notification(transaction, {
        signWith: signer.privateKey,
        serial: named.serial,
      }).expect(400);
      expect(refused.body.error.code).toBe(ErrorCode.PaymentNotificationInvalid);
    }
    expect(await stateOf(order.id)).toBe('pending_payment');
  });

  it('takes answers signed by either platform key under its serial: a prepay order, and an order paid whose notices never came', async () => {
    const clock = t.app.get(Clock);
    for (const [signer, transactionId] of [
      [platform, '4200000031'],
      [nextPlatform, '4200000032'],
    ] as const) {
      forge = (body) => ({
        body,
        headers: signatureOf(body, { key: signer.privateKey, serial: signer.serial }),
      });
      const order = await placeOrder();
      const tradeNo = toTradeNo(order.id);
      try {
        const started = await t
          .http()
          .post(`/api/v1/orders/${order.id}/pay`)
          .auth(buyer.accessToken, { type: 'bearer' })
          .expect(200);
        expect(started.body.package).toBe('prepay_id=wx_prepay_1');

        transactions.set(tradeNo, {
          appid: 'wx_app_1',
          mchid: '1900000001',
          ...successfulPayment(order, transactionId),
        });
        clock.advance(16 * 60_000);
        await expireUnpaid();
        expect(await stateOf(order.id)).toBe('paid');
      } finally {
        forge = undefined;
        clock.advance(-16 * 60_000);
        transactions.delete(tradeNo);
      }
    }
  });

  it('settles unpaid orders past their deadline one by one, passing over one it cannot, holding no lock while WeChat Pay answers', async () => {
    const clock = t.app.get(Clock);
    const odd = await placeOrder();
    const slow = await placeOrder();
    const plain = await placeOrder();
    // WeChat Pay answers about the first as a payment to another merchant: it cannot be used.
    transactions.set(toTradeNo(odd.id), {
      appid: 'wx_app_1',
      mchid: '1900000999',
      out_trade_no: toTradeNo(odd.id),
      transaction_id: '4200000081',
      trade_state: 'SUCCESS',
      amount: { total: odd.payable, payer_total: odd.payable, currency: 'CNY' },
      success_time: new Date().toISOString(),
    });
    transactions.set(toTradeNo(slow.id), 'slow');
    clock.advance(16 * 60_000);
    try {
      const run = t
        .http()
        .post('/api/v1/admin/jobs/cancel-unpaid-orders/run')
        .auth(admin, { type: 'bearer' })
        .then((res) => res.status);
      for (let waited = 0; !calls.some((c) => c.path.includes(toTradeNo(slow.id))); waited += 10) {
        if (waited > 5_000) throw new Error('WeChat Pay was never asked about the slow order');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // While WeChat Pay takes its time about one order, the buyer's points account, quantities
      // and orders are free: a points adjustment goes through at once.
      const adjusted = t
        .http()
        .post(`/api/v1/admin/members/${buyer.member.id}/points-adjustments`)
        .auth(admin, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ points: 1, reason: '测试' })
        .then(() => 'adjusted');
      expect(await Promise.race([adjusted, run.then(() => 'job finished first')])).toBe('adjusted');
      expect(await run).toBe(200);
      transactions.delete(toTradeNo(slow.id));
      await expireUnpaid();
      expect(await stateOf(odd.id)).toBe('pending_payment');
      expect(await stateOf(slow.id)).toBe('cancelled');
      expect(await stateOf(plain.id)).toBe('cancelled');
    } finally {
      clock.advance(-16 * 60_000);
      transactions.delete(toTradeNo(odd.id));
    }
  });

  it.each([
    ['less', 1],
    ['more', 10_000],
  ])(
    'closes an order past its deadline that WeChat Pay says was paid another amount (%s), and pays that amount back',
    async (_, paid) => {
      const clock = t.app.get(Clock);
      const order = await placeOrder();
      const tradeNo = toTradeNo(order.id);
      transactions.set(tradeNo, {
        ...successfulPayment(order, `42000000${paid}`),
        appid: 'wx_app_1',
        mchid: '1900000001',
        amount: { total: paid, payer_total: paid, currency: 'CNY' },
      });
      const errors = jest.spyOn(Logger.prototype, 'error');
      clock.advance(16 * 60_000);
      try {
        await expireUnpaid();
        expect(await stateOf(order.id)).toBe('cancelled');
        expect(errors.mock.calls.some(([, message]) => message === 'payment amount mismatch')).toBe(
          true,
        );
        const money = await t.dataSource.query(
          `SELECT p.transaction_id, p.amount_fen AS paid, r.amount_fen AS refunded
         FROM payments p JOIN refunds r ON r.order_id = p.order_id WHERE p.order_id = $1`,
          [order.id],
        );
        expect(money).toEqual([{ transaction_id: `42000000${paid}`, paid, refunded: paid }]);
        // Asked again, nothing more happens.
        await expireUnpaid();
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM refunds WHERE order_id = $1`,
          [order.id],
        );
        expect(n).toBe(1);
      } finally {
        errors.mockRestore();
        clock.advance(-16 * 60_000);
        transactions.delete(tradeNo);
      }
    },
  );

  it('asks WeChat Pay before cancelling an order awaiting payment: one paid whose notices never came is recorded and refunded, one being paid is not cancelled yet', async () => {
    const cancel = (orderId: string) =>
      t.http().post(`/api/v1/orders/${orderId}/cancel`).auth(buyer.accessToken, { type: 'bearer' });
    const paidUnheard = await placeOrder();
    const paying = await placeOrder();
    transactions.set(toTradeNo(paidUnheard.id), {
      ...successfulPayment(paidUnheard, '4200000095'),
      appid: 'wx_app_1',
      mchid: '1900000001',
    });
    transactions.set(toTradeNo(paying.id), {
      appid: 'wx_app_1',
      mchid: '1900000001',
      out_trade_no: toTradeNo(paying.id),
      trade_state: 'USERPAYING',
    });
    try {
      await cancel(paidUnheard.id).expect(200);
      expect(await stateOf(paidUnheard.id)).toBe('cancelled');
      const money = await t.dataSource.query(
        `SELECT p.transaction_id, r.amount_fen AS refunded
         FROM payments p JOIN refunds r ON r.order_id = p.order_id WHERE p.order_id = $1`,
        [paidUnheard.id],
      );
      expect(money).toEqual([{ transaction_id: '4200000095', refunded: paidUnheard.payable }]);

      const refused = await cancel(paying.id).expect(409);
      expect(refused.body.error).toMatchObject({
        code: ErrorCode.OrderStateInvalid,
        details: { paying: true },
      });
      expect(await stateOf(paying.id)).toBe('pending_payment');
      // Once WeChat Pay says it was not paid after all, it can be cancelled.
      transactions.delete(toTradeNo(paying.id));
      await cancel(paying.id).expect(200);
      expect(await stateOf(paying.id)).toBe('cancelled');
    } finally {
      transactions.delete(toTradeNo(paidUnheard.id));
      transactions.delete(toTradeNo(paying.id));
    }
  });

  it('cancels an order paid whose notices never came while a new order of the member takes the same group-buy, without a deadlock', async () => {
    const order = await placeOrder();
    transactions.set(toTradeNo(order.id), {
      ...successfulPayment(order, '4200000096'),
      appid: 'wx_app_1',
      mchid: '1900000001',
    });
    // A new order with points takes the member's quantity of the group-buy, then their points
    // account (they have one); the cancel comes in between.
    await t.dataSource.query(
      `INSERT INTO point_accounts (member_id) VALUES ($1) ON CONFLICT DO NOTHING`,
      [buyer.member.id],
    );
    const ordering = t.dataSource.createQueryRunner();
    await ordering.connect();
    try {
      await ordering.startTransaction();
      await ordering.query(
        `SELECT 1 FROM campaign_member_quantities WHERE member_id = $1 AND campaign_id = $2 FOR UPDATE`,
        [buyer.member.id, order.lines[0].campaignId],
      );
      const cancelling = t
        .http()
        .post(`/api/v1/orders/${order.id}/cancel`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .then((r) => r);
      await lockWaits(t.dataSource);
      await ordering.query(`SELECT 1 FROM point_accounts WHERE member_id = $1 FOR UPDATE`, [
        buyer.member.id,
      ]);
      await ordering.commitTransaction();
      expect((await cancelling).status).toBe(200);
      expect(await stateOf(order.id)).toBe('cancelled');
    } finally {
      await ordering.release();
      transactions.delete(toTradeNo(order.id));
    }
  });

  it('cancels an order paid whose notices never came while its notice is being recorded, without a deadlock', async () => {
    const order = await placeOrder();
    transactions.set(toTradeNo(order.id), {
      ...successfulPayment(order, '4200000097'),
      appid: 'wx_app_1',
      mchid: '1900000001',
    });
    // The notice, come at last, takes the order, then (its group-buy closed meanwhile) the
    // member's quantities to give them back; the cancel comes in between.
    const notice = t.dataSource.createQueryRunner();
    await notice.connect();
    try {
      await notice.startTransaction();
      await notice.query(`SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, [order.id]);
      const cancelling = t
        .http()
        .post(`/api/v1/orders/${order.id}/cancel`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .then((r) => r);
      await lockWaits(t.dataSource, 1, 'FROM orders');
      await notice.query(
        `SELECT 1 FROM campaign_member_quantities WHERE member_id = $1 AND campaign_id = $2 FOR UPDATE`,
        [buyer.member.id, order.lines[0].campaignId],
      );
      await notice.commitTransaction();
      expect((await cancelling).status).toBe(200);
      expect(await stateOf(order.id)).toBe('cancelled');
    } finally {
      if (notice.isTransactionActive) await notice.rollbackTransaction();
      await notice.release();
      transactions.delete(toTradeNo(order.id));
    }
  });

  it('closes at WeChat Pay an order awaiting payment that it cancels, so that it can no longer be paid; one paid or being paid meanwhile stays open, and one WeChat Pay cannot close is cancelled all the same', async () => {
    const cancel = (orderId: string) =>
      t.http().post(`/api/v1/orders/${orderId}/cancel`).auth(buyer.accessToken, { type: 'bearer' });
    const closeCalls = (orderId: string) =>
      calls.filter(
        ({ path }) => path === `/v3/pay/transactions/out-trade-no/${toTradeNo(orderId)}/close`,
      );
    const plain = await placeOrder();
    const paidMeanwhile = await placeOrder();
    const payingMeanwhile = await placeOrder();
    const unclosable = await placeOrder();
    closeRefusals.set(toTradeNo(paidMeanwhile.id), 'paid');
    closeRefusals.set(toTradeNo(payingMeanwhile.id), 'paying');
    closeRefusals.set(toTradeNo(unclosable.id), 'down');
    try {
      await cancel(plain.id).expect(200);
      expect(await stateOf(plain.id)).toBe('cancelled');
      const [closing] = closeCalls(plain.id);
      expect(closing.body).toEqual({ mchid: '1900000001' });
      expect(closing.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",/);

      for (const order of [paidMeanwhile, payingMeanwhile]) {
        const refused = await cancel(order.id).expect(409);
        expect(refused.body.error).toMatchObject({
          code: ErrorCode.OrderStateInvalid,
          details: { paying: true },
        });
        expect(await stateOf(order.id)).toBe('pending_payment');
      }

      await cancel(unclosable.id).expect(200);
      expect(await stateOf(unclosable.id)).toBe('cancelled');
      expect(closeCalls(unclosable.id)).toHaveLength(1);
    } finally {
      for (const order of [paidMeanwhile, payingMeanwhile, unclosable])
        closeRefusals.delete(toTradeNo(order.id));
    }
  });

  it('cancels an order awaiting payment holding no database connection while WeChat Pay answers; a replay gets the first answer', async () => {
    const order = await placeOrder();
    const key = randomUUID();
    const cancel = () =>
      t
        .http()
        .post(`/api/v1/orders/${order.id}/cancel`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .then((r) => r);
    transactions.set(toTradeNo(order.id), 'slow');
    try {
      const cancelling = cancel();
      for (let waited = 0; !calls.some((c) => c.path.includes(toTradeNo(order.id))); waited += 10) {
        if (waited > 5_000) throw new Error('WeChat Pay was never asked about the order');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const [{ open }] = await t.dataSource.query(
        `SELECT count(*)::int AS open FROM pg_stat_activity
         WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      );
      expect(open).toBe(0);
      const cancelled = await cancelling;
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: order.id, state: 'cancelled' });
      const replayed = await cancel();
      expect(replayed.status).toBe(200);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(cancelled.body);
      // The key sent again to cancel another order is refused before WeChat Pay is asked about it.
      const other = await placeOrder();
      const reused = await t
        .http()
        .post(`/api/v1/orders/${other.id}/cancel`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .expect(422);
      expect(reused.body.error.code).toBe(ErrorCode.IdempotencyKeyReused);
      expect(calls.some((c) => c.path.includes(toTradeNo(other.id)))).toBe(false);
      expect(await stateOf(other.id)).toBe('pending_payment');
    } finally {
      transactions.delete(toTradeNo(order.id));
    }
  });

  it('earns the member-day points of the day it was paid, though the notice arrives after midnight', async () => {
    const order = await placeOrder();
    const today = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(8, 10));
    const memberDay = (today % 28) + 1; // any day but today
    const [before] = await t.dataSource.query(
      `SELECT member_day, member_day_multiplier_pct, earn_points_per_yuan FROM points_policy`,
    );
    await t.dataSource.query(
      `UPDATE points_policy SET member_day = $1, member_day_multiplier_pct = 200`,
      [memberDay],
    );
    try {
      // Paid in the last minute of member day, in Shanghai; the notice is processed today.
      await notification(
        successfulPayment(
          order,
          '4200000061',
          `2026-10-${String(memberDay).padStart(2, '0')}T23:59:30+08:00`,
        ),
      ).expect(200);
    } finally {
      await t.dataSource.query(
        `UPDATE points_policy SET member_day = $1, member_day_multiplier_pct = $2`,
        [before.member_day, before.member_day_multiplier_pct],
      );
    }
    const paid = await t
      .http()
      .get(`/api/v1/me/orders/${order.id}`)
      .auth(buyer.accessToken, { type: 'bearer' })
      .expect(200);
    expect(paid.body.pointsToEarn).toBe(
      pointsToEarn({
        paidFen: order.payable,
        pointsPerYuan: before.earn_points_per_yuan,
        tierMultiplierPct: 100,
        memberDayMultiplierPct: 200,
      }),
    );
  });

  it('asks WeChat Pay about an order past its deadline before cancelling it, and keeps one paid in time whose notices never came', async () => {
    const clock = t.app.get(Clock);
    const atWechat = (order: { id: string; payable: number }, state: string) => ({
      appid: 'wx_app_1',
      mchid: '1900000001',
      out_trade_no: toTradeNo(order.id),
      transaction_id: `42000000${state === 'SUCCESS' ? '71' : '00'}`,
      trade_state: state,
      amount: { total: order.payable, payer_total: order.payable, currency: 'CNY' },
      success_time: new Date().toISOString(),
    });
    // Placed one after another, so asked about in this order.
    const unknown = await placeOrder();
    const paidUnheard = await placeOrder();
    const unpaid = await placeOrder();
    const neverStarted = await placeOrder();
    const paying = await placeOrder();
    transactions.set(toTradeNo(unknown.id), 'down');
    transactions.set(toTradeNo(paidUnheard.id), atWechat(paidUnheard, 'SUCCESS'));
    transactions.set(toTradeNo(unpaid.id), atWechat(unpaid, 'NOTPAY'));
    transactions.set(toTradeNo(paying.id), atWechat(paying, 'USERPAYING'));
    const statesOf = async (...orders: { id: string }[]) =>
      Promise.all(orders.map((order) => stateOf(order.id)));
    clock.advance(16 * 60_000);
    try {
      // WeChat Pay does not answer about the first: it and those after it wait, stock held.
      await expireUnpaid();
      expect(await statesOf(unknown, paidUnheard, unpaid, neverStarted, paying)).toEqual(
        Array(5).fill('pending_payment'),
      );
      transactions.delete(toTradeNo(unknown.id));
      await expireUnpaid();
      expect(await statesOf(unknown, paidUnheard, unpaid, neverStarted, paying)).toEqual([
        'cancelled',
        'paid',
        'cancelled',
        'cancelled',
        'pending_payment',
      ]);
      transactions.set(toTradeNo(paying.id), atWechat(paying, 'PAYERROR'));
      await expireUnpaid();
      expect(await statesOf(paying)).toEqual(['cancelled']);
    } finally {
      clock.advance(-16 * 60_000);
    }
    // The notice that finally comes changes nothing.
    await notification(atWechat(paidUnheard, 'SUCCESS')).expect(200);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM payments WHERE order_id = $1`,
      [paidUnheard.id],
    );
    expect(n).toBe(1);
  });

  it('neither records as paid nor cancels an order past its deadline on an answer WeChat Pay did not sign as sent, and asks again on the next run', async () => {
    const clock = t.app.get(Clock);
    const order = await placeOrder();
    const tradeNo = toTradeNo(order.id);
    transactions.set(tradeNo, {
      appid: 'wx_app_1',
      mchid: '1900000001',
      out_trade_no: tradeNo,
      transaction_id: '4200001001',
      trade_state: 'SUCCESS',
      amount: { total: order.payable, payer_total: order.payable, currency: 'CNY' },
      success_time: new Date().toISOString(),
    });
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    clock.advance(16 * 60_000);
    try {
      for (const forgery of [
        ...Object.values(forgeries),
        // WeChat Pay's signed answer that the order is not paid, altered to say it is.
        (body: string) => ({ body, headers: signatureOf(body.replace('"SUCCESS"', '"NOTPAY"')) }),
      ]) {
        forge = forgery;
        await expireUnpaid();
        expect(await stateOf(order.id)).toBe('pending_payment');
      }
      const unsigned = warnings.mock.calls.filter(([details]) =>
        (details as { path?: string } | undefined)?.path?.includes(tradeNo),
      );
      expect(
        unsigned.map(([details, message]) => [(details as { reason: string }).reason, message]),
      ).toEqual(
        [
          'missing signature headers',
          'bad signature',
          'stale signature',
          'unknown platform key',
          'bad signature',
          'bad signature',
        ].map((reason) => [reason, expect.stringContaining('not signed by the platform')]),
      );
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM payments WHERE order_id = $1`,
        [order.id],
      );
      expect(n).toBe(0);

      forge = undefined;
      await expireUnpaid();
      expect(await stateOf(order.id)).toBe('paid');
      const paid = await t.dataSource.query(
        `SELECT transaction_id FROM payments WHERE order_id = $1`,
        [order.id],
      );
      expect(paid).toEqual([{ transaction_id: '4200001001' }]);
    } finally {
      forge = undefined;
      warnings.mockRestore();
      clock.advance(-16 * 60_000);
      transactions.delete(tradeNo);
    }
  });

  it('refunds a second WeChat Pay transaction for an order already paid, under a refund number of its own, once', async () => {
    const order = await placeOrder();
    const transaction = (id: string) => successfulPayment(order, id);
    await notification(transaction('4200000101')).expect(200);
    const refundsBefore = calls.filter((c) => c.path === '/v3/refund/domestic/refunds').length;
    await notification(transaction('4200000102')).expect(200);
    await notification(transaction('4200000102')).expect(200);

    const refunds = calls
      .filter((c) => c.path === '/v3/refund/domestic/refunds')
      .slice(refundsBefore);
    expect(refunds.map((c) => c.body)).toEqual([
      expect.objectContaining({
        transaction_id: '4200000102',
        out_refund_no: expect.stringMatching(new RegExp(`^${toTradeNo(order.id)}[0-9a-f]{16}$`)),
        amount: { refund: order.payable, total: order.payable, currency: 'CNY' },
      }),
    ]);
    const state = await t
      .http()
      .get(`/api/v1/me/orders/${order.id}`)
      .auth(buyer.accessToken, { type: 'bearer' })
      .expect(200);
    expect(state.body).toMatchObject({ state: 'paid', refunded: 0 });
  });

  describe('refunds, which WeChat Pay settles after answering', () => {
    /** An order paid by a WeChat Pay notification of the given transaction. */
    const paidOrder = async (transactionId: string) => {
      const order = await placeOrder();
      await notification(successfulPayment(order, transactionId)).expect(200);
      return order;
    };

    const cancel = (orderId: string) =>
      t.http().post(`/api/v1/orders/${orderId}/cancel`).auth(buyer.accessToken, { type: 'bearer' });

    /** The refund requests WeChat Pay received for a transaction. */
    const refundCalls = (transactionId: string) =>
      calls.filter(
        (c) => c.path === '/v3/refund/domestic/refunds' && c.body.transaction_id === transactionId,
      );

    /** Pays the order by notification and cancels it: a full refund WeChat Pay answers PROCESSING. */
    const paidAndCancelled = async (transactionId: string) => {
      const order = await paidOrder(transactionId);
      await cancel(order.id).expect(200);
      const [call] = refundCalls(transactionId);
      const refundNo = String(call.body.out_refund_no);
      return { order, refundId: `wx-refund-${refundNo}`, refundNo, call };
    };

    const runSendRefunds = async () =>
      (
        await t
          .http()
          .post('/api/v1/admin/jobs/send-refunds/run')
          .auth(admin, { type: 'bearer' })
          .expect(200)
      ).body.processed as number;

    const refundNotice = (
      refund: Record<string, unknown>,
      options: { signWith?: string; serial?: string; tamper?: (body: string) => string } = {},
    ) =>
      notification(
        { mchid: '1900000001', transaction_id: '-', out_refund_no: '-', ...refund },
        {
          ...options,
          path: '/api/v1/payments/refund-notify/wechat',
          eventType: `REFUND.${String(refund.refund_status)}`,
        },
      );

    const refundRow = async (orderId: string) => {
      const [row] = await t.dataSource.query(
        `SELECT status, settled_at, received_account, provider_refund_id FROM refunds WHERE order_id = $1`,
        [orderId],
      );
      return row as {
        status: string;
        settled_at: Date | null;
        received_account: string | null;
        provider_refund_id: string;
      };
    };

    const paymentRefunds = (token: string, query: string) =>
      t.http().get(`/api/v1/admin/payment-refunds${query}`).auth(token, { type: 'bearer' });

    /** What the buyer was told about one order, oldest first. */
    const noticesAbout = async (orderId: string) =>
      (
        (
          await t
            .http()
            .get('/api/v1/me/notifications?limit=100')
            .auth(buyer.accessToken, { type: 'bearer' })
            .expect(200)
        ).body.items as { kind: string; title: string; body: string; data: { orderId?: string } }[]
      )
        .filter((n) => n.data.orderId === orderId)
        .reverse();

    /** A refund's outcome as WeChat Pay notifies it. */
    const outcome = (
      refund: { order: { id: string }; refundId: string },
      status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED',
      account = '招商银行信用卡0403',
    ) => ({
      out_trade_no: toTradeNo(refund.order.id),
      refund_id: refund.refundId,
      refund_status: status,
      ...(status === 'SUCCESS' ? { success_time: '2025-06-01T10:00:00+08:00' } : {}),
      user_received_account: account,
    });

    /** How the shopper is told a refund of one order has come back. */
    const arrived = (
      order: { id: string; payable: number; lines: { title: string }[] },
      to: string,
    ) =>
      expect.objectContaining({
        kind: 'refund_settled',
        title: '退款已到账',
        body: `「${order.lines[0].title}」订单退款 ${formatYuan(order.payable)} 已到账，退至${to}。`,
        data: { orderId: order.id, refundFen: order.payable },
      });

    /** How the shopper is told a refund of one order could not go back and needs the platform. */
    const needsHelp = (order: { id: string; payable: number; lines: { title: string }[] }) =>
      expect.objectContaining({
        kind: 'refund_settled',
        title: '退款需平台协助',
        body: `「${order.lines[0].title}」订单退款 ${formatYuan(order.payable)} 未能退回原支付账户，平台工作人员会尽快联系你处理。`,
        data: { orderId: order.id, refundFen: order.payable },
      });

    it('keeps a refund answered PROCESSING as processing, asking for its outcome at the configured address', async () => {
      const { order, refundId, call } = await paidAndCancelled('4200000201');
      expect(call.body.notify_url).toBe(
        'https://api.linli.example/api/v1/payments/refund-notify/wechat',
      );
      expect(await refundRow(order.id)).toEqual({
        status: 'processing',
        settled_at: null,
        received_account: '招商银行信用卡0403',
        provider_refund_id: refundId,
      });
    });

    it('tells the payer in words why the money comes back, as WeChat Pay shows the reason in its refund message', async () => {
      const { call: cancelled } = await paidAndCancelled('4200001201');

      const paid = await paidOrder('4200001202');
      await notification(successfulPayment(paid, '4200001203')).expect(200);
      const [paidTwice] = refundCalls('4200001203');

      const clock = t.app.get(Clock);
      const failing = await placeOrder({
        minBuyers: 2,
        cutsOffAt: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      });
      await notification(successfulPayment(failing, '4200001204')).expect(200);
      clock.advance(2 * 3_600_000);
      try {
        await t
          .http()
          .post('/api/v1/admin/jobs/cut-off-campaigns/run')
          .auth(admin, { type: 'bearer' })
          .expect(200);
      } finally {
        clock.advance(-2 * 3_600_000);
      }
      const [unformed] = refundCalls('4200001204');

      expect([cancelled, paidTwice, unformed].map((call) => call.body.reason)).toEqual([
        '订单已取消，货款原路退回',
        '重复付款，多付的一笔原路退回',
        '团购未成团，货款原路退回',
      ]);
    });

    it('settles a refund on a signed REFUND.SUCCESS once, ignoring replays and later notices, and refuses forged, tampered and unknown ones', async () => {
      const { order, refundId } = await paidAndCancelled('4200000301');
      const success = {
        out_trade_no: toTradeNo(order.id),
        refund_id: refundId,
        refund_status: 'SUCCESS',
        success_time: '2025-06-01T10:00:00+08:00',
        user_received_account: '招商银行信用卡0403',
        amount: { total: order.payable, refund: order.payable },
      };

      const forged = await refundNotice(success, { signWith: merchant.privateKey }).expect(400);
      expect(forged.body.error.code).toBe(ErrorCode.PaymentNotificationInvalid);
      await refundNotice({ ...success, mchid: '1900000002' }).expect(400);
      await refundNotice(success, {
        tamper: (body) => body.replace('REFUND.SUCCESS', 'REFUND.CLOSED'),
      }).expect(400);
      expect((await refundRow(order.id)).status).toBe('processing');

      await refundNotice(success).expect(200);
      const settled = await refundRow(order.id);
      expect(settled).toMatchObject({ status: 'succeeded' });
      expect(settled.settled_at?.toISOString()).toBe('2025-06-01T02:00:00.000Z');

      // A replay, even one that arrives later with another time, and a contrary notice change nothing.
      await refundNotice({ ...success, success_time: '2025-06-02T10:00:00+08:00' }).expect(200);
      await refundNotice({ ...success, refund_status: 'ABNORMAL' }).expect(200);
      expect(await refundRow(order.id)).toEqual(settled);

      const unknown = await refundNotice({ ...success, refund_id: 'wx-refund-never-asked' }).expect(
        404,
      );
      expect(unknown.body.error.code).toBe(ErrorCode.NotFound);
    });

    it("settles a refund whose notice is signed by the second platform key under its serial, and refuses one under a serial it has no key for or the other key's", async () => {
      const { order, refundId } = await paidAndCancelled('4200000311');
      const success = {
        out_trade_no: toTradeNo(order.id),
        refund_id: refundId,
        refund_status: 'SUCCESS',
        success_time: '2025-06-01T10:00:00+08:00',
        amount: { total: order.payable, refund: order.payable },
      };
      for (const serial of [unknownSerial, platform.serial]) {
        const refused = await refundNotice(success, {
          signWith: nextPlatform.privateKey,
          serial,
        }).expect(400);
        expect(refused.body.error.code).toBe(ErrorCode.PaymentNotificationInvalid);
      }
      expect((await refundRow(order.id)).status).toBe('processing');

      await refundNotice(success, {
        signWith: nextPlatform.privateKey,
        serial: nextPlatform.serial,
      }).expect(200);
      expect(await refundRow(order.id)).toMatchObject({ status: 'succeeded' });
    });

    it('marks a refund abnormal on REFUND.ABNORMAL, logs it and lists it for operators only', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      const { order, refundId } = await paidAndCancelled('4200000401');
      await refundNotice({
        out_trade_no: toTradeNo(order.id),
        refund_id: refundId,
        refund_status: 'ABNORMAL',
        user_received_account: '招商银行信用卡0403',
      }).expect(200);
      expect(await refundRow(order.id)).toMatchObject({ status: 'abnormal', settled_at: null });
      expect(errors).toHaveBeenCalledWith(
        expect.objectContaining({ orderId: order.id, status: 'abnormal' }),
        expect.stringContaining('did not reach the payer'),
      );
      errors.mockRestore();

      const listed = await paymentRefunds(admin, '?status=abnormal&limit=100').expect(200);
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({
          orderId: order.id,
          amount: order.payable,
          reason: 'cancelled',
          status: 'abnormal',
          providerRefundId: refundId,
          receivedAccount: '招商银行信用卡0403',
          settledAt: null,
        }),
      );
      expect(listed.body.items.every((r: { status: string }) => r.status === 'abnormal')).toBe(
        true,
      );
      const processing = await paymentRefunds(admin, '?status=processing&limit=100').expect(200);
      expect(processing.body.items.map((r: { orderId: string }) => r.orderId)).not.toContain(
        order.id,
      );

      await paymentRefunds(buyer.accessToken, '?status=abnormal').expect(403);
      await paymentRefunds(admin, '?status=lost').expect(400);
    });

    it("shows the shopper, on the order, where each refund's money is", async () => {
      const orderOf = async (orderId: string) =>
        (
          await t
            .http()
            .get(`/api/v1/me/orders/${orderId}`)
            .auth(buyer.accessToken, { type: 'bearer' })
            .expect(200)
        ).body as { moneyBack: unknown[] };
      const back = await paidAndCancelled('4200002601');
      const lost = await paidAndCancelled('4200002602');
      const moneyBack = (state: string, more: object = {}) => [
        {
          amount: back.order.payable,
          state,
          account: null,
          settledAt: null,
          createdAt: expect.any(String),
          ...more,
        },
      ];
      expect((await orderOf(back.order.id)).moneyBack).toEqual(moneyBack('on_the_way'));

      await refundNotice(outcome(back, 'SUCCESS', '招商银行信用卡0601')).expect(200);
      expect((await orderOf(back.order.id)).moneyBack).toEqual(
        moneyBack('arrived', {
          account: '招商银行信用卡0601',
          settledAt: '2025-06-01T02:00:00.000Z',
        }),
      );

      await refundNotice(outcome(lost, 'ABNORMAL')).expect(200);
      expect((await orderOf(lost.order.id)).moneyBack).toEqual(moneyBack('not_reached'));
      const [{ id }] = await t.dataSource.query(`SELECT id FROM refunds WHERE order_id = $1`, [
        lost.order.id,
      ]);
      await t
        .http()
        .post(`/api/v1/admin/payment-refunds/${id}/settle`)
        .auth(admin, { type: 'bearer' })
        .set('Idempotency-Key', `settle-${id}`)
        .send({ note: '已通过企业付款转至顾客微信零钱' })
        .expect(200);
      const paidOut = (await orderOf(lost.order.id)).moneyBack;
      expect(paidOut).toEqual(moneyBack('paid_by_operator', { settledAt: expect.any(String) }));

      // The list of orders says the same.
      const listed = (
        await t
          .http()
          .get('/api/v1/me/orders?limit=100')
          .auth(buyer.accessToken, { type: 'bearer' })
          .expect(200)
      ).body.items as { id: string; moneyBack: unknown[] }[];
      expect(listed.find((o) => o.id === lost.order.id)?.moneyBack).toEqual(paidOut);
      expect(listed.find((o) => o.id === back.order.id)?.moneyBack).toEqual(
        (await orderOf(back.order.id)).moneyBack,
      );

      // An operator the shopper asks finds that order's refunds, and only those.
      const ofOrder = await paymentRefunds(admin, `?orderId=${back.order.id}`).expect(200);
      expect(ofOrder.body.items).toEqual([
        expect.objectContaining({
          orderId: back.order.id,
          status: 'succeeded',
          receivedAccount: '招商银行信用卡0601',
        }),
      ]);
      const none = await paymentRefunds(admin, `?orderId=${lost.order.id}&status=succeeded`).expect(
        200,
      );
      expect(none.body.items).toEqual([]);
      await paymentRefunds(admin, '?orderId=not-an-order').expect(400);
      await paymentRefunds(buyer.accessToken, `?orderId=${back.order.id}`).expect(403);
    });

    it('lets an operator record how an abnormal refund was paid out, once, audited', async () => {
      const { order, refundId } = await paidAndCancelled('4200000501');
      const [{ id }] = await t.dataSource.query(`SELECT id FROM refunds WHERE order_id = $1`, [
        order.id,
      ]);
      const settle = (token: string, body: object, key = `settle-${id}`) =>
        t
          .http()
          .post(`/api/v1/admin/payment-refunds/${id}/settle`)
          .auth(token, { type: 'bearer' })
          .set('Idempotency-Key', key)
          .send(body);
      const note = '已通过企业付款转至顾客微信零钱';
      // Still processing: there is nothing for an operator to settle yet.
      const early = await settle(admin, { note }, `early-${id}`).expect(409);
      expect(early.body.error.code).toBe(ErrorCode.RefundNotAllowed);

      await refundNotice({
        out_trade_no: toTradeNo(order.id),
        refund_id: refundId,
        refund_status: 'ABNORMAL',
        user_received_account: '招商银行信用卡0501',
      }).expect(200);
      await settle(buyer.accessToken, { note }).expect(403);
      await settle(admin, { note: '  ' }, `blank-${id}`).expect(400);
      // Recording a payout is exactly-once: the route needs an Idempotency-Key.
      await t
        .http()
        .post(`/api/v1/admin/payment-refunds/${id}/settle`)
        .auth(admin, { type: 'bearer' })
        .send({ note })
        .expect(400);
      const settled = await settle(admin, { note }).expect(200);
      expect(settled.body).toMatchObject({
        id,
        status: 'settled_by_operator',
        operatorNote: note,
        settledAt: expect.any(String),
      });
      const replay = await settle(admin, { note }).expect(200);
      expect(replay.body).toEqual(settled.body);
      // The shopper is told once, without the operator's note, which is for the platform.
      expect(await noticesAbout(order.id)).toEqual([
        needsHelp(order),
        expect.objectContaining({
          kind: 'refund_settled',
          title: '退款已由平台退还',
          body: `「${order.lines[0].title}」订单退款 ${formatYuan(order.payable)} 已由平台工作人员通过其他方式退还给你。`,
          data: { orderId: order.id, refundFen: order.payable },
        }),
      ]);
      const again = await settle(admin, { note }, `again-${id}`).expect(409);
      expect(again.body.error.code).toBe(ErrorCode.RefundNotAllowed);
      // A late notice from the provider does not reopen it, but says the money went out twice.
      const errors = jest.spyOn(Logger.prototype, 'error');
      await refundNotice({
        out_trade_no: toTradeNo(order.id),
        refund_id: refundId,
        refund_status: 'SUCCESS',
      }).expect(200);
      expect(errors).toHaveBeenCalledWith(
        expect.objectContaining({ orderId: order.id, amountFen: order.payable }),
        expect.stringContaining('paid twice'),
      );
      errors.mockRestore();
      expect(await refundRow(order.id)).toMatchObject({ status: 'settled_by_operator' });
      const audits = await t.dataSource.query(
        `SELECT details FROM audit_log WHERE action = 'payment-refund.settle' AND target_id = $1`,
        [id],
      );
      expect(audits).toEqual([{ details: { orderId: order.id, amountFen: order.payable, note } }]);
      const listed = await paymentRefunds(admin, '?status=settled_by_operator&limit=100').expect(
        200,
      );
      expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(id);
      await t
        .http()
        .post(`/api/v1/admin/payment-refunds/${randomUUID()}/settle`)
        .auth(admin, { type: 'bearer' })
        .set('Idempotency-Key', randomUUID())
        .send({ note })
        .expect(404);
    });

    it('tells the shopper once that a second payment of a paid order goes back, and once that it is back', async () => {
      const order = await paidOrder('4200001801');
      await notification(successfulPayment(order, '4200001802')).expect(200);
      await notification(successfulPayment(order, '4200001802')).expect(200);
      const [call] = refundCalls('4200001802');
      const refund = { order, refundId: `wx-refund-${String(call.body.out_refund_no)}` };
      await refundNotice(outcome(refund, 'SUCCESS', '支付用户零钱')).expect(200);
      await refundNotice(outcome(refund, 'SUCCESS', '支付用户零钱')).expect(200);

      expect(await noticesAbout(order.id)).toEqual([
        expect.objectContaining({
          kind: 'order_refunded',
          title: '重复付款，多付的一笔将退回',
          body: `订单已付款，又收到一笔 ${formatYuan(order.payable)} 的付款，这笔将原路退回。`,
          data: { orderId: order.id, refundFen: order.payable },
        }),
        arrived(order, '支付用户零钱'),
      ]);
    });

    it('tells the shopper once that a refund WeChat Pay could not make needs the platform, lists it for operators, and tells them too once it is made after all', async () => {
      const abnormal = await paidAndCancelled('4200001901');
      const closed = await paidAndCancelled('4200001902');
      await refundNotice(outcome(abnormal, 'ABNORMAL')).expect(200);
      await refundNotice(outcome(abnormal, 'ABNORMAL')).expect(200);
      await refundNotice(outcome(closed, 'CLOSED')).expect(200);
      await refundNotice(outcome(closed, 'CLOSED')).expect(200);

      expect(await noticesAbout(abnormal.order.id)).toEqual([needsHelp(abnormal.order)]);
      expect(await noticesAbout(closed.order.id)).toEqual([needsHelp(closed.order)]);
      for (const [status, { order }] of [
        ['abnormal', abnormal],
        ['closed', closed],
      ] as const) {
        const listed = await paymentRefunds(admin, `?status=${status}&limit=100`).expect(200);
        expect(listed.body.items).toContainEqual(
          expect.objectContaining({ orderId: order.id, status, amount: order.payable }),
        );
      }

      // The merchant sends it again to another account from WeChat Pay's merchant platform.
      await refundNotice(outcome(abnormal, 'SUCCESS', '支付用户零钱')).expect(200);
      await refundNotice(outcome(abnormal, 'SUCCESS', '支付用户零钱')).expect(200);
      expect(await noticesAbout(abnormal.order.id)).toEqual([
        needsHelp(abnormal.order),
        arrived(abnormal.order, '支付用户零钱'),
      ]);
    });

    it('asks WeChat Pay for nothing when the cancellation that decided the refund does not commit', async () => {
      const order = await paidOrder('4200000601');
      // Fails the transaction at its commit, after everything the cancellation did.
      await t.dataSource.query(`CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$`);
      await t.dataSource.query(`CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON refunds
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit()`);
      try {
        await cancel(order.id).expect(500);
      } finally {
        await t.dataSource.query(`DROP TRIGGER refuse_commit ON refunds`);
        await t.dataSource.query(`DROP FUNCTION refuse_commit()`);
      }
      expect(refundCalls('4200000601')).toEqual([]);
      expect(await refundRow(order.id)).toBeUndefined();
      const kept = await t
        .http()
        .get(`/api/v1/me/orders/${order.id}`)
        .auth(buyer.accessToken, { type: 'bearer' })
        .expect(200);
      expect(kept.body).toMatchObject({ state: 'paid', refunded: 0 });

      await cancel(order.id).expect(200);
      expect(refundCalls('4200000601')).toHaveLength(1);
      expect((await refundRow(order.id)).status).toBe('processing');
    });

    it('cancels at once while WeChat Pay refuses refunds, and send-refunds asks again under the same refund number until it takes it', async () => {
      const clock = t.app.get(Clock);
      let moved = 0;
      const advance = (ms: number) => {
        clock.advance(ms);
        moved += ms;
      };
      refundsDown = true;
      try {
        const order = await paidOrder('4200000701');
        const cancelled = await cancel(order.id).expect(200);
        expect(cancelled.body).toMatchObject({ state: 'cancelled', refunded: order.payable });
        expect(refundCalls('4200000701')).toHaveLength(1);
        const listed = await paymentRefunds(admin, '?status=requested').expect(200);
        expect(listed.body.items).toEqual([
          expect.objectContaining({
            orderId: order.id,
            status: 'requested',
            providerRefundId: '',
            attempts: 1,
            lastError: expect.stringContaining('SYSTEM_ERROR 系统超时'),
            lastRefused: false,
            nextAttemptAt: expect.any(String),
          }),
        ]);

        expect(await runSendRefunds()).toBe(0); // not due yet
        advance(61_000);
        expect(await runSendRefunds()).toBe(1);
        expect(refundCalls('4200000701')).toHaveLength(2);
        expect(await runSendRefunds()).toBe(0); // the next attempt waits twice as long

        refundsDown = false;
        advance(121_000);
        expect(await runSendRefunds()).toBe(1);
        const asked = refundCalls('4200000701');
        expect(asked).toHaveLength(3);
        expect(new Set(asked.map((c) => c.body.out_refund_no)).size).toBe(1);
        expect(asked.map((c) => c.body.amount)).toEqual(
          Array(3).fill({ refund: order.payable, total: order.payable, currency: 'CNY' }),
        );
        const [taken] = (await paymentRefunds(admin, '?limit=50').expect(200)).body.items.filter(
          (r: { orderId: string }) => r.orderId === order.id,
        );
        expect(taken).toMatchObject({
          status: 'processing',
          providerRefundId: `wx-refund-${asked[0].body.out_refund_no}`,
          attempts: 3,
          lastError: null,
          nextAttemptAt: expect.any(String),
        });
        // When the provider is asked how it ended, if its notice has not come by then: in 10 minutes.
        const lookUpIn = new Date(taken.nextAttemptAt).getTime() - clock.now().getTime();
        expect(lookUpIn).toBeGreaterThan(9 * 60_000);
        expect(lookUpIn).toBeLessThanOrEqual(10 * 60_000);
        advance(3_600_000);
        expect(await runSendRefunds()).toBe(0);
      } finally {
        refundsDown = false;
        clock.advance(-moved);
      }
    });

    it('asks again every hour however many times WeChat Pay has failed a refund', async () => {
      const clock = t.app.get(Clock);
      refundsDown = true;
      try {
        const order = await paidOrder('4200000702');
        await cancel(order.id).expect(200);
        // Six weeks of hourly attempts later.
        await t.dataSource.query(
          `UPDATE refunds SET attempts = 1100, next_attempt_at = $2 WHERE order_id = $1`,
          [order.id, clock.now()],
        );
        expect(await runSendRefunds()).toBe(1);
        expect(refundCalls('4200000702')).toHaveLength(2);
        const [{ attempts, waits }] = await t.dataSource.query(
          `SELECT attempts, extract(epoch FROM next_attempt_at - $2::timestamptz)::int AS waits
           FROM refunds WHERE order_id = $1`,
          [order.id, clock.now()],
        );
        expect({ attempts, waits }).toEqual({ attempts: 1_101, waits: 3_600 });
      } finally {
        refundsDown = false;
      }
    });

    it('leaves to its sender a refund being sent, and takes it over once that sender is gone', async () => {
      refundsDown = true;
      const order = await paidOrder('4200000751');
      try {
        await cancel(order.id).expect(200);
      } finally {
        refundsDown = false;
      }
      // Due again, and claimed a moment ago by a sender still waiting for the provider.
      await t.dataSource.query(
        `UPDATE refunds SET next_attempt_at = now() - interval '1 second', sending_since = now()
         WHERE order_id = $1`,
        [order.id],
      );
      expect(await runSendRefunds()).toBe(0);
      expect(refundCalls('4200000751')).toHaveLength(1);
      // That sender stopped (its instance went away) without an answer.
      await t.dataSource.query(
        `UPDATE refunds SET sending_since = now() - interval '3 minutes' WHERE order_id = $1`,
        [order.id],
      );
      expect(await runSendRefunds()).toBe(1);
      expect(refundCalls('4200000751')).toHaveLength(2);
    });

    it('asks for a requested refund once however many senders reach it at the same moment', async () => {
      refundsDown = true;
      const order = await paidOrder('4200000801');
      try {
        await cancel(order.id).expect(200);
      } finally {
        refundsDown = false;
      }
      await t.dataSource.query(
        `UPDATE refunds SET next_attempt_at = now() - interval '1 second' WHERE order_id = $1`,
        [order.id],
      );
      const connection = t.app.get(TransactionalConnection);
      const sender = t.app.get(ProviderRefunds);
      // Every sender has queued the refund before any of them commits and asks (each holds one
      // of the pool's 10 connections until then).
      const SENDERS = 6;
      let allQueued!: () => void;
      const barrier = new Promise<void>((resolve) => (allQueued = resolve));
      let waiting = 0;
      const senders = Array.from({ length: SENDERS }, () =>
        connection.withTransaction(RequestContext.forSystem('test'), async (ctx) => {
          const queued = await sender.sendDueAfterCommit(ctx, 50);
          if (++waiting === SENDERS) allQueued();
          await barrier;
          return queued;
        }),
      );
      expect(await Promise.all(senders)).toEqual(Array(SENDERS).fill(1));
      expect(refundCalls('4200000801')).toHaveLength(2); // the refused one, then one more
      expect((await refundRow(order.id)).status).toBe('processing');
    });

    it('lets an operator settle a refund WeChat Pay refused, but not one it may have made nor one being sent, and it is never asked for again', async () => {
      refundsDown = true;
      const order = await paidOrder('4200000901');
      try {
        await cancel(order.id).expect(200);
      } finally {
        refundsDown = false;
      }
      const [{ id }] = await t.dataSource.query(`SELECT id FROM refunds WHERE order_id = $1`, [
        order.id,
      ]);
      const settle = () =>
        t
          .http()
          .post(`/api/v1/admin/payment-refunds/${id}/settle`)
          .auth(admin, { type: 'bearer' })
          .set('Idempotency-Key', randomUUID())
          .send({ note: '微信支付持续拒绝退款，已转账至顾客微信零钱' });

      // A server error: WeChat Pay may have made the refund, so it is not for an operator to pay.
      const unsure = await settle().expect(409);
      expect(unsure.body.error.code).toBe(ErrorCode.RefundNotAllowed);

      // Asked again, WeChat Pay refuses it outright: it paid nothing.
      await t.dataSource.query(
        `UPDATE refunds SET next_attempt_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
      refundsRefused = true;
      try {
        expect(await runSendRefunds()).toBe(1);
      } finally {
        refundsRefused = false;
      }
      const [refused] = (await paymentRefunds(admin, '?status=requested').expect(200)).body.items;
      expect(refused).toMatchObject({
        id,
        lastRefused: true,
        lastError: expect.stringContaining('NOT_ENOUGH'),
      });

      await t.dataSource.query(`UPDATE refunds SET sending_since = now() WHERE id = $1`, [id]);
      const busy = await settle().expect(409);
      expect(busy.body.error.code).toBe(ErrorCode.RefundNotAllowed);

      await t.dataSource.query(`UPDATE refunds SET sending_since = NULL WHERE id = $1`, [id]);
      const settled = await settle().expect(200);
      expect(settled.body).toMatchObject({ status: 'settled_by_operator', attempts: 2 });

      await t.dataSource.query(
        `UPDATE refunds SET next_attempt_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
      expect(await runSendRefunds()).toBe(0);
      expect(refundCalls('4200000901')).toHaveLength(2);
      expect((await refundRow(order.id)).status).toBe('settled_by_operator');
    });

    it('lets no operator settle a refund WeChat Pay may have made since it last refused it', async () => {
      const refundOf = async (orderId: string) =>
        (
          await t.dataSource.query(
            `SELECT id, attempts, last_refused FROM refunds WHERE order_id = $1`,
            [orderId],
          )
        )[0];
      const makeDue = (id: string) =>
        t.dataSource.query(
          `UPDATE refunds SET next_attempt_at = now() - interval '1 second' WHERE id = $1`,
          [id],
        );
      const settle = (id: string) =>
        t
          .http()
          .post(`/api/v1/admin/payment-refunds/${id}/settle`)
          .auth(admin, { type: 'bearer' })
          .set('Idempotency-Key', randomUUID())
          .send({ note: '已转账至顾客微信零钱' });

      // A server error (it may have paid), then a retry turned away unread (429): nothing
      // says the refund was not made.
      const limited = await paidOrder('4200000951');
      refundsDown = true;
      try {
        await cancel(limited.id).expect(200);
      } finally {
        refundsDown = false;
      }
      const first = await refundOf(limited.id);
      await makeDue(first.id);
      refundsLimited = true;
      try {
        expect(await runSendRefunds()).toBe(1);
      } finally {
        refundsLimited = false;
      }
      expect(await refundOf(limited.id)).toMatchObject({ attempts: 2, last_refused: false });
      expect((await settle(first.id).expect(409)).body.error.code).toBe(ErrorCode.RefundNotAllowed);

      // Refused outright, then asked again: WeChat Pay makes it, but its answer is never
      // recorded (the instance stops). The earlier refusal no longer counts.
      const lost = await paidOrder('4200000952');
      refundsRefused = true;
      try {
        await cancel(lost.id).expect(200);
      } finally {
        refundsRefused = false;
      }
      const second = await refundOf(lost.id);
      expect(second).toMatchObject({ attempts: 1, last_refused: true });
      await t.dataSource
        .query(`CREATE FUNCTION lose_refund_answer() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'answer lost'; END $$`);
      await t.dataSource.query(`CREATE TRIGGER lose_refund_answer BEFORE UPDATE ON refunds
        FOR EACH ROW WHEN (NEW.provider_refund_id <> OLD.provider_refund_id)
        EXECUTE FUNCTION lose_refund_answer()`);
      try {
        await makeDue(second.id);
        await runSendRefunds();
      } finally {
        await t.dataSource.query(`DROP TRIGGER lose_refund_answer ON refunds`);
        await t.dataSource.query(`DROP FUNCTION lose_refund_answer()`);
      }
      expect(refundCalls('4200000952')).toHaveLength(2);
      const clock = t.app.get(Clock);
      clock.advance(3 * 60_000); // the sender's claim is abandoned
      try {
        expect((await settle(second.id).expect(409)).body.error.code).toBe(
          ErrorCode.RefundNotAllowed,
        );
      } finally {
        clock.advance(-3 * 60_000);
      }
    });

    it('takes no outcome, nor a refusal, from a refund answer WeChat Pay did not sign as sent: the refund stays requested and is asked for again under the same number', async () => {
      const clock = t.app.get(Clock);
      const order = await paidOrder('4200001101');
      // WeChat Pay took the refund for processing; its answer is altered to say it is done.
      forge = (body) => ({
        body: body.replace('"PROCESSING"', '"SUCCESS"'),
        headers: signatureOf(body),
      });
      try {
        const cancelled = await cancel(order.id).expect(200);
        expect(cancelled.body).toMatchObject({ state: 'cancelled', refunded: order.payable });
      } finally {
        forge = undefined;
      }
      expect(await refundRow(order.id)).toMatchObject({
        status: 'requested',
        settled_at: null,
        provider_refund_id: '',
      });
      const [requested] = (
        await paymentRefunds(admin, '?status=requested&limit=100').expect(200)
      ).body.items.filter((r: { orderId: string }) => r.orderId === order.id);
      expect(requested).toMatchObject({
        attempts: 1,
        lastRefused: false,
        lastError: expect.stringContaining('not signed by the platform'),
      });

      clock.advance(61_000);
      try {
        await runSendRefunds();
      } finally {
        clock.advance(-61_000);
      }
      const asked = refundCalls('4200001101');
      expect(asked).toHaveLength(2);
      expect(asked[1].body.out_refund_no).toBe(asked[0].body.out_refund_no);
      expect(await refundRow(order.id)).toMatchObject({
        status: 'processing',
        settled_at: null,
        provider_refund_id: `wx-refund-${asked[0].body.out_refund_no}`,
      });
    });

    it('pages through refunds newest first with a cursor', async () => {
      const first = await paymentRefunds(admin, '?limit=1').expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await paymentRefunds(
        admin,
        `?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      ).expect(200);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      expect(Date.parse(second.body.items[0].createdAt)).toBeLessThanOrEqual(
        Date.parse(first.body.items[0].createdAt),
      );
    });

    it('keeps to the status asked for from page to page, and refuses a cursor it did not give', async () => {
      const whole = await paymentRefunds(admin, '?status=processing&limit=100').expect(200);
      expect(whole.body.nextCursor).toBeNull();
      expect(whole.body.items.length).toBeGreaterThan(1);
      const seen: { id: string; status: string }[] = [];
      let cursor: string | null = null;
      do {
        const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await paymentRefunds(admin, `?status=processing&limit=1${after}`).expect(200);
        expect(page.body.items).toHaveLength(1);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor && seen.length <= whole.body.items.length);
      expect(seen).toEqual(whole.body.items);
      expect(seen.every((r) => r.status === 'processing')).toBe(true);
      const bad = await paymentRefunds(admin, '?status=processing&cursor=not-a-cursor').expect(400);
      expect(bad.body.error.code).toBe(ErrorCode.ValidationFailed);
    });

    describe('whose notice never comes', () => {
      /** The times WeChat Pay was asked how a refund ended. */
      const lookups = (outRefundNo: string) =>
        calls.filter((c) => c.path === `/v3/refund/domestic/refunds/${outRefundNo}`);
      /** WeChat Pay moves a refund it took on to another state, as a later query will show. */
      const moveAtWechat = (outRefundNo: string, refund: Record<string, unknown>) =>
        refundsAtWechat.set(outRefundNo, {
          ...(refundsAtWechat.get(outRefundNo) as object),
          ...refund,
        });
      /** The operator alarm a refund that did not reach the payer raises, for one order. */
      const alarmsFor = (errors: jest.SpyInstance, orderId: string) =>
        errors.mock.calls.filter(
          ([details, message]) =>
            (details as { orderId?: string } | undefined)?.orderId === orderId &&
            String(message).includes('did not reach the payer'),
        );

      let moved = 0;
      const advance = (ms: number) => {
        t.app.get(Clock).advance(ms);
        moved += ms;
      };
      afterEach(() => {
        t.app.get(Clock).advance(-moved);
        moved = 0;
        forge = undefined;
        beforeRefundAnswer = undefined;
      });

      it('asks WeChat Pay how a refund ended 10 minutes after it answered PROCESSING, and records the outcome as its notice would', async () => {
        const succeeded = await paidAndCancelled('4200001301');
        const abnormal = await paidAndCancelled('4200001302');
        const pending = await paidAndCancelled('4200001303');
        const [succeededNo, abnormalNo, pendingNo] = [succeeded, abnormal, pending].map(
          (r) => r.refundNo,
        );
        moveAtWechat(succeededNo, {
          status: 'SUCCESS',
          success_time: '2025-06-01T10:00:00+08:00',
        });
        moveAtWechat(abnormalNo, {
          status: 'ABNORMAL',
          user_received_account: '招商银行信用卡0501',
        });
        const errors = jest.spyOn(Logger.prototype, 'error');
        try {
          // Its notice may still be on its way: WeChat Pay is not asked yet.
          advance(9 * 60_000);
          await runSendRefunds();
          expect([succeededNo, abnormalNo, pendingNo].map((no) => lookups(no).length)).toEqual([
            0, 0, 0,
          ]);
          expect((await refundRow(succeeded.order.id)).status).toBe('processing');

          advance(2 * 60_000);
          await runSendRefunds();
          expect([succeededNo, abnormalNo, pendingNo].map((no) => lookups(no).length)).toEqual([
            1, 1, 1,
          ]);
          const settled = await refundRow(succeeded.order.id);
          expect(settled).toMatchObject({ status: 'succeeded' });
          expect(settled.settled_at?.toISOString()).toBe('2025-06-01T02:00:00.000Z');
          expect(await refundRow(abnormal.order.id)).toMatchObject({
            status: 'abnormal',
            settled_at: null,
            received_account: '招商银行信用卡0501',
          });
          expect(alarmsFor(errors, abnormal.order.id)).toEqual([
            [
              expect.objectContaining({ status: 'abnormal', refundId: abnormal.refundId }),
              expect.any(String),
            ],
          ]);
          expect(alarmsFor(errors, succeeded.order.id)).toEqual([]);
          // Still processing at WeChat Pay: asked about again, twice as long after, not before.
          expect((await refundRow(pending.order.id)).status).toBe('processing');
          await runSendRefunds();
          advance(19 * 60_000);
          await runSendRefunds();
          expect(lookups(pendingNo)).toHaveLength(1);
          advance(2 * 60_000);
          await runSendRefunds();
          expect(lookups(pendingNo)).toHaveLength(2);
          // Settled refunds are not asked about again, and what a late notice says changes nothing.
          expect(lookups(succeededNo)).toHaveLength(1);
          expect(lookups(abnormalNo)).toHaveLength(1);
          await refundNotice({
            out_trade_no: toTradeNo(abnormal.order.id),
            refund_id: abnormal.refundId,
            refund_status: 'ABNORMAL',
          }).expect(200);
          expect(alarmsFor(errors, abnormal.order.id)).toHaveLength(1);
        } finally {
          errors.mockRestore();
        }
      });

      it('settles a refund once when its notice comes while WeChat Pay is being asked about it', async () => {
        const { order, refundId, refundNo } = await paidAndCancelled('4200001401');
        moveAtWechat(refundNo, { status: 'ABNORMAL' });
        const errors = jest.spyOn(Logger.prototype, 'error');
        // WeChat Pay sends the notice, and it is recorded, before it answers the query.
        beforeRefundAnswer = (outRefundNo) =>
          outRefundNo === refundNo
            ? refundNotice({
                out_trade_no: toTradeNo(order.id),
                refund_id: refundId,
                refund_status: 'ABNORMAL',
              }).expect(200)
            : undefined;
        try {
          advance(11 * 60_000);
          await runSendRefunds();
          expect(lookups(refundNo)).toHaveLength(1);
          expect(await refundRow(order.id)).toMatchObject({ status: 'abnormal' });
          expect(alarmsFor(errors, order.id)).toHaveLength(1);
        } finally {
          errors.mockRestore();
        }
      });

      it('leaves a refund processing while WeChat Pay does not answer how it ended, or not with its signature, and asks again on the next run', async () => {
        const { order, refundNo: outRefundNo } = await paidAndCancelled('4200001501');
        const atWechat = refundsAtWechat.get(outRefundNo) as object;
        refundsAtWechat.set(outRefundNo, 'down');
        advance(11 * 60_000);
        await runSendRefunds();
        expect(lookups(outRefundNo)).toHaveLength(1);
        expect(await refundRow(order.id)).toMatchObject({ status: 'processing', settled_at: null });

        refundsAtWechat.set(outRefundNo, { ...atWechat, status: 'SUCCESS' });
        for (const forgery of Object.values(forgeries)) {
          // Only the answer about this refund is forged: others due are answered as sent.
          forge = (body) =>
            body.includes(outRefundNo) ? forgery(body) : { body, headers: signatureOf(body) };
          await runSendRefunds();
          expect(await refundRow(order.id)).toMatchObject({ status: 'processing' });
        }
        const forged = Object.keys(forgeries).length;
        expect(lookups(outRefundNo)).toHaveLength(1 + forged);

        forge = undefined;
        await runSendRefunds();
        expect(lookups(outRefundNo)).toHaveLength(2 + forged);
        expect(await refundRow(order.id)).toMatchObject({ status: 'succeeded' });
      });

      it('tells the shopper once that the money is back, however often WeChat Pay says so and the look-up finds it, and pushes it to their phone once', async () => {
        const notified = await paidAndCancelled('4200002001');
        const lookedUp = await paidAndCancelled('4200002002');
        await refundNotice(outcome(notified, 'SUCCESS')).expect(200);
        await refundNotice(outcome(notified, 'SUCCESS')).expect(200);
        moveAtWechat(lookedUp.refundNo, {
          status: 'SUCCESS',
          success_time: '2025-06-01T10:00:00+08:00',
        });
        advance(11 * 60_000);
        await runSendRefunds();
        await runSendRefunds();
        advance(HOUR_MS);
        await runSendRefunds();
        // Its notice comes after all, once the look-up has settled it.
        await refundNotice(outcome(lookedUp, 'SUCCESS')).expect(200);
        expect([notified, lookedUp].map((r) => lookups(r.refundNo).length)).toEqual([0, 1]);
        for (const { order } of [notified, lookedUp])
          expect(await noticesAbout(order.id)).toEqual([arrived(order, '招商银行信用卡0403')]);

        const dispatch = () =>
          t
            .http()
            .post('/api/v1/admin/jobs/dispatch-notifications/run')
            .auth(admin, { type: 'bearer' })
            .expect(200);
        await dispatch();
        await dispatch();
        const orders = [notified.order.id, lookedUp.order.id];
        const pushed = t.app
          .get(RecordingNotificationSender)
          .sent.filter((n) => orders.includes(String(n.data.orderId)));
        expect(pushed.map((n) => [n.kind, n.data.orderId])).toEqual(
          orders.map((orderId) => ['refund_settled', orderId]),
        );
      });

      describe('for days', () => {
        /** Where the order's refund stands and when WeChat Pay is next asked about it, as operators see it. */
        const nextLookUp = async (orderId: string) => {
          const listed = await paymentRefunds(admin, '?limit=100').expect(200);
          const refund = listed.body.items.find((r: { orderId: string }) => r.orderId === orderId);
          return {
            status: refund.status as string,
            at: refund.nextAttemptAt === null ? null : Date.parse(refund.nextAttemptAt),
          };
        };
        /** Moves the clock to the refund's next look-up and runs send-refunds: how often it was asked. */
        const lookUpDue = async (refund: { order: { id: string }; refundNo: string }) => {
          const { at } = await nextLookUp(refund.order.id);
          advance((at ?? 0) - t.app.get(Clock).now().getTime());
          await runSendRefunds();
          return lookups(refund.refundNo).length;
        };
        /** Lets send-refunds ask about the refund, each time it is due, until it stops: how often it asked. */
        const lookUpUntilStalled = async (refund: { order: { id: string }; refundNo: string }) => {
          let asked = 0;
          // Well past 3 days of look-ups, in case they never stop.
          for (let round = 0; round < 40; round += 1) {
            if ((await nextLookUp(refund.order.id)).status !== 'processing') break;
            asked = await lookUpDue(refund);
          }
          return asked;
        };

        it('asks WeChat Pay how a refund still processing ended 10, 20, 40, 80, 160 minutes apart, then every 4 hours, and shows when it asks next', async () => {
          const clock = t.app.get(Clock);
          const before = clock.now().getTime();
          const refund = await paidAndCancelled('4200002101');
          const after = clock.now().getTime();
          const first = (await nextLookUp(refund.order.id)).at ?? 0;
          expect(first).toBeGreaterThanOrEqual(before + 10 * 60_000);
          expect(first).toBeLessThanOrEqual(after + 10 * 60_000);
          advance(first - 60_000 - clock.now().getTime());
          await runSendRefunds();
          expect(lookups(refund.refundNo)).toHaveLength(0);

          const waits: number[] = [];
          let at = first;
          for (let asked = 1; asked <= 8; asked += 1) {
            expect(await lookUpDue(refund)).toBe(asked);
            const next = await nextLookUp(refund.order.id);
            expect(next.status).toBe('processing');
            waits.push(Math.round(((next.at ?? 0) - at) / 60_000));
            at = next.at ?? 0;
          }
          expect(waits).toEqual([20, 40, 80, 160, 240, 240, 240, 240]);
        });

        it('stops asking after 3 days without an outcome and lists the refund as stalled for operators, which a late notice still settles', async () => {
          const clock = t.app.get(Clock);
          const refund = await paidAndCancelled('4200002201');
          const takenAt = clock.now().getTime();
          const errors = jest.spyOn(Logger.prototype, 'error');
          try {
            // Asked 10, 30, 70, 150, 310 minutes after it was taken, then every 4 hours to 3 days.
            expect(await lookUpUntilStalled(refund)).toBe(22);
            const waited = clock.now().getTime() - takenAt;
            expect(waited).toBeGreaterThanOrEqual(3 * DAY_MS);
            expect(waited).toBeLessThan(3 * DAY_MS + 4 * HOUR_MS);
            expect(errors).toHaveBeenCalledWith(
              expect.objectContaining({ orderId: refund.order.id }),
              expect.stringContaining('an operator must look'),
            );
          } finally {
            errors.mockRestore();
          }
          // Every refund WeChat Pay took before and never settled has stalled by now too.
          const listed = await paymentRefunds(admin, '?status=stalled&limit=100').expect(200);
          const stalled = listed.body.items.find(
            (r: { orderId: string }) => r.orderId === refund.order.id,
          );
          expect(stalled).toEqual(
            expect.objectContaining({
              orderId: refund.order.id,
              status: 'stalled',
              providerRefundId: refund.refundId,
              nextAttemptAt: null,
              settledAt: null,
            }),
          );
          advance(DAY_MS);
          await runSendRefunds();
          expect(lookups(refund.refundNo)).toHaveLength(22);

          // WeChat Pay may still pay it: it is not for an operator to pay another way.
          const settle = await t
            .http()
            .post(`/api/v1/admin/payment-refunds/${stalled.id}/settle`)
            .auth(admin, { type: 'bearer' })
            .set('Idempotency-Key', randomUUID())
            .send({ note: '已转账至顾客微信零钱' })
            .expect(409);
          expect(settle.body.error.code).toBe(ErrorCode.RefundNotAllowed);

          expect(await noticesAbout(refund.order.id)).toEqual([]);
          await refundNotice(outcome(refund, 'SUCCESS')).expect(200);
          expect(await refundRow(refund.order.id)).toMatchObject({ status: 'succeeded' });
          expect(await noticesAbout(refund.order.id)).toEqual([
            arrived(refund.order, '招商银行信用卡0403'),
          ]);
        });

        it('lets an operator have a stalled refund looked up again, and records what WeChat Pay says then', async () => {
          const refund = await paidAndCancelled('4200002301');
          const asked = await lookUpUntilStalled(refund);
          const [{ id }] = await t.dataSource.query(`SELECT id FROM refunds WHERE order_id = $1`, [
            refund.order.id,
          ]);
          const lookUp = (token: string, refundId = id) =>
            t
              .http()
              .post(`/api/v1/admin/payment-refunds/${refundId}/look-up`)
              .auth(token, { type: 'bearer' });
          await lookUp(buyer.accessToken).expect(403);
          await lookUp(admin, randomUUID()).expect(404);

          moveAtWechat(refund.refundNo, {
            status: 'SUCCESS',
            success_time: '2025-06-04T10:00:00+08:00',
          });
          const resumed = await lookUp(admin).expect(200);
          expect(resumed.body).toMatchObject({ id, status: 'processing' });
          expect(Date.parse(resumed.body.nextAttemptAt)).toBeLessThanOrEqual(
            t.app.get(Clock).now().getTime(),
          );
          const again = await lookUp(admin).expect(409);
          expect(again.body.error.code).toBe(ErrorCode.RefundNotAllowed);

          await runSendRefunds();
          expect(lookups(refund.refundNo)).toHaveLength(asked + 1);
          expect(await refundRow(refund.order.id)).toMatchObject({ status: 'succeeded' });
          expect(await noticesAbout(refund.order.id)).toEqual([
            arrived(refund.order, '招商银行信用卡0403'),
          ]);
          const audits = await t.dataSource.query(
            `SELECT details FROM audit_log WHERE action = 'payment-refund.look-up' AND target_id = $1`,
            [id],
          );
          expect(audits).toEqual([
            { details: { orderId: refund.order.id, amountFen: refund.order.payable } },
          ]);
        });
      });
    });
  });
});
