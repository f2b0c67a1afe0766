import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWechat {
  url: string;
  requests: URL[];
  close(): Promise<void>;
}

/**
 * A local stand-in for WeChat's code2Session API. Codes: `ok-<user>` logs <user> in,
 * `bad` is refused (40029), `busy` is a system error (-1), `slow` never answers in time,
 * `html` answers with something that is not JSON.
 */
export async function startFakeWechat(appId: string, secret: string): Promise<FakeWechat> {
  const requests: URL[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    const send = (body: unknown) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/sns/jscode2session') return void res.writeHead(404).end();
    if (url.searchParams.get('appid') !== appId || url.searchParams.get('secret') !== secret) {
      return send({ errcode: 40125, errmsg: 'invalid appsecret' });
    }
    const code = url.searchParams.get('js_code') ?? '';
    if (code.startsWith('ok-')) {
      return send({
        openid: `o_${code.slice(3)}`,
        session_key: `sk_${code.slice(3)}`,
        unionid: `u_${code.slice(3)}`,
      });
    }
    if (code === 'bad') return send({ errcode: 40029, errmsg: 'invalid code' });
    if (code === 'busy') return send({ errcode: -1, errmsg: 'system error' });
    if (code === 'slow') return void setTimeout(() => send({ openid: 'late' }), 3000);
    if (code === 'html')
      return void res
        .writeHead(502, { 'content-type': 'text/html' })
        .end('<html>bad gateway</html>');
    return send({ errcode: 40029, errmsg: 'invalid code' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
