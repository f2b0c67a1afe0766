import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import pinoHttp, { Options } from 'pino-http';
import { QueryFailedError } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { ProviderUnavailable } from '../modules/payments/payment-provider';
import { WechatPayProvider } from '../modules/payments/wechat-pay.provider';
import { Clock } from './clock';
import { loggerParams } from './logging';

/** The line the BFF's logger writes for `{ err }`, as its error filter and jobs log failures. */
function logged(err: unknown): string {
  const lines: string[] = [];
  const { logger } = pinoHttp(loggerParams(loadConfig({})).pinoHttp as Options, {
    write: (line: string) => lines.push(line),
  });
  logger.error({ err }, 'request failed');
  return lines.join('');
}

const pem = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

describe('error logs', () => {
  it('leave out the body and headers of a request WeChat Pay never answered: the payer, the merchant signature', async () => {
    // A WeChat Pay that hangs up on every request.
    const server: Server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const provider = new WechatPayProvider(
      loadConfig({
        PAYMENT_PROVIDER: 'wechat',
        WECHAT_APP_ID: 'wx_app',
        WECHATPAY_MCH_ID: '1900000001',
        WECHATPAY_SERIAL_NO: 'MERCHANT01',
        WECHATPAY_API_V3_KEY: 'k'.repeat(32),
        WECHATPAY_PRIVATE_KEY: pem().privateKey,
        WECHATPAY_PLATFORM_PUBLIC_KEYS: JSON.stringify({ PUB_KEY_ID_01: pem().publicKey }),
        WECHATPAY_API_BASE: `http://127.0.0.1:${port}`,
      }),
      new Clock(),
    );
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const answered = await provider
      .start({
        orderId: '6f1c2b9e-4d3a-4c8b-9e7f-0a1b2c3d4e5f',
        amountFen: 2990,
        description: '邻里团购订单',
        openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
        notifyUrl: 'https://api.linli.example/api/v1/payments/notify/wechat',
        expiresAt: new Date(Date.now() + 900_000),
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
      .finally(() => server.close());
    // The payer is told WeChat Pay did not answer; the log keeps why.
    expect(answered).toBeInstanceOf(ProviderUnavailable);
    const [[{ err: error }]] = warnings.mock.calls as unknown as [[{ err: unknown }]];
    warnings.mockRestore();

    const line = logged(error);
    expect(line).toContain('socket hang up');
    expect(line).not.toContain('o6_bmjrPTlm6_2sgVt7hMZOPfL2M');
    expect(line).not.toContain('WECHATPAY2-SHA256-RSA2048');
  });

  it.each([
    [
      "a member's openid and session key",
      `INSERT INTO members (openid, unionid, session_key, nickname, invite_code) VALUES ($1, $2, $3, $4, $5)`,
      ['o6_bmjrPTlm6_2sgVt7hMZOPfL2M', null, 'tiihtNczf5v6AKRyjwEUhQ==', '邻居fL2M', 'K7QW2MZP'],
      ['o6_bmjrPTlm6_2sgVt7hMZOPfL2M', 'tiihtNczf5v6AKRyjwEUhQ=='],
    ],
    [
      "a leader applicant's name and phone",
      `INSERT INTO leader_applications (member_id, pickup_point_id, real_name, phone, note) VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), randomUUID(), '王小明', '13800138000', ''],
      ['王小明', '13800138000'],
    ],
  ])("leave out a failed query's parameters: %s", (_, sql, parameters, secrets) => {
    const timedOut = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });

    const line = logged(new QueryFailedError(sql, parameters, timedOut));
    expect(JSON.parse(line).err).toMatchObject({
      message: 'canceling statement due to statement timeout',
      code: '57014',
      query: sql,
    });
    for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
