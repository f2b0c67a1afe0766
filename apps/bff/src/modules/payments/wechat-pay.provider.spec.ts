import { generateKeyPairSync } from 'node:crypto';
import { Clock } from '../../common/clock';
import { ConfigError, loadConfig } from '../../config/app-config';
import { platformKeys, WechatPayProvider } from './wechat-pay.provider';

const publicPem = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).publicKey;

const FORMAT =
  'WECHATPAY_PLATFORM_PUBLIC_KEYS must be a JSON object of each WeChat Pay platform key (PEM) by its serial: {"<Wechatpay-Serial>": "<PEM>"}';

describe('WECHATPAY_PLATFORM_PUBLIC_KEYS', () => {
  it('takes each platform key under its serial, newlines in its PEM written as \\n', () => {
    const certificateKey = publicPem();
    const wechatPayKey = publicPem();
    const keys = platformKeys(
      JSON.stringify({
        '5157F09EFDC096DE15EBE81A47057A7232F1B8E1': certificateKey,
        // Backslash and n, as when the single-line PEM of an environment variable is pasted in.
        PUB_KEY_ID_0119000000012025012300000000000001: wechatPayKey.replace(/\n/g, '\\n'),
      }),
    );
    expect(
      [...keys].map(([serial, key]) => [serial, key.export({ type: 'spki', format: 'pem' })]),
    ).toEqual([
      ['5157F09EFDC096DE15EBE81A47057A7232F1B8E1', certificateKey],
      ['PUB_KEY_ID_0119000000012025012300000000000001', wechatPayKey],
    ]);
  });

  it.each([
    ['a single PEM, as the one key of earlier versions', () => publicPem(), FORMAT],
    ['a list of PEMs without their serials', () => JSON.stringify([publicPem()]), FORMAT],
    [
      'a key under an empty serial',
      () => JSON.stringify({ ' ': publicPem() }),
      'WECHATPAY_PLATFORM_PUBLIC_KEYS names a key without its serial',
    ],
    [
      'a serial without a PEM',
      () => JSON.stringify({ PUB_KEY_ID_01: '' }),
      'WECHATPAY_PLATFORM_PUBLIC_KEYS.PUB_KEY_ID_01 is not a public key or certificate in PEM',
    ],
    [
      'a PEM cut short',
      () => JSON.stringify({ PUB_KEY_ID_01: publicPem().slice(0, 200) }),
      'WECHATPAY_PLATFORM_PUBLIC_KEYS.PUB_KEY_ID_01 is not a public key or certificate in PEM',
    ],
    [
      'a private key, as the merchant key pasted in the wrong place',
      () =>
        JSON.stringify({
          PUB_KEY_ID_01: generateKeyPairSync('rsa', {
            modulusLength: 2048,
            publicKeyEncoding: { type: 'spki', format: 'pem' },
            privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          }).privateKey,
        }),
      'WECHATPAY_PLATFORM_PUBLIC_KEYS.PUB_KEY_ID_01 is a private key: give the public key or certificate WeChat Pay signs with',
    ],
    ['no key at all', () => '{}', 'WECHATPAY_PLATFORM_PUBLIC_KEYS names no key'],
  ])('refuses %s, naming the variable', (_, value, message) => {
    expect(() => platformKeys(value())).toThrow(new ConfigError(message));
  });

  it('is needed to take payments with WeChat Pay, and checked when the BFF starts', () => {
    const merchant = {
      PAYMENT_PROVIDER: 'wechat',
      WECHAT_APP_ID: 'wx_app',
      WECHATPAY_MCH_ID: '1900000001',
      WECHATPAY_SERIAL_NO: 'MERCHANT01',
      WECHATPAY_API_V3_KEY: 'k'.repeat(32),
      WECHATPAY_PRIVATE_KEY: generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
    };
    const start = (env: Record<string, string>) => () =>
      new WechatPayProvider(loadConfig({ ...merchant, ...env }), new Clock());
    expect(start({})).toThrow(ConfigError);
    expect(start({})).toThrow(/WECHATPAY_PLATFORM_PUBLIC_KEYS/);
    expect(start({ WECHATPAY_PLATFORM_PUBLIC_KEYS: '{"PUB_KEY_ID_01": "MIIB"}' })).toThrow(
      new ConfigError(
        'WECHATPAY_PLATFORM_PUBLIC_KEYS.PUB_KEY_ID_01 is not a public key or certificate in PEM',
      ),
    );
    expect(
      start({ WECHATPAY_PLATFORM_PUBLIC_KEYS: JSON.stringify({ PUB_KEY_ID_01: publicPem() }) }),
    ).not.toThrow();
  });
});
