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

export interface FakeSubscribeMessages {
  url: string;
  /** Every subscribe message WeChat accepted. */
  delivered: {
    touser: string;
    template_id: string;
    page: string;
    data: Record<string, { value: string }>;
  }[];
  /** Every stable-token request, with whether it forced a new token. */
  tokenRequests: { force_refresh: boolean }[];
  /** Makes the token handed out so far stale: the next send with it is refused (40001). */
  expireToken(): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for WeChat's stable-token and subscribeMessage.send APIs. A message whose
 * first field contains "拒收" is refused as unsubscribed (43101); one containing "故障" gets a
 * system error (-1); one containing "迟到" gets its answer only once the next message is
 * delivered.
 */
export async function startFakeSubscribeMessages(
  appId: string,
  secret: string,
): Promise<FakeSubscribeMessages> {
  const delivered: FakeSubscribeMessages['delivered'] = [];
  const tokenRequests: FakeSubscribeMessages['tokenRequests'] = [];
  let tokenNumber = 0;
  let staleBelow = 0;
  let late: (() => void)[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = raw ? JSON.parse(raw) : {};
      const answer = (body: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      const first = String(Object.values(body.data ?? {})[0]?.['value' as never] ?? '');
      const send = (body: unknown) =>
        first.includes('迟到') ? late.push(() => answer(body)) : answer(body);
      if (url.pathname === '/cgi-bin/stable_token') {
        tokenRequests.push({ force_refresh: Boolean(body.force_refresh) });
        if (body.appid !== appId || body.secret !== secret)
          return send({ errcode: 40125, errmsg: 'invalid appsecret' });
        if (body.force_refresh || tokenNumber === 0) tokenNumber += 1;
        return send({ access_token: `token-${tokenNumber}`, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/subscribe/send') {
        const token = Number((url.searchParams.get('access_token') ?? '').replace('token-', ''));
        if (!token || token <= staleBelow)
          return send({ errcode: 40001, errmsg: 'invalid credential' });
        if (first.includes('拒收'))
          return send({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
        if (first.includes('故障')) return send({ errcode: -1, errmsg: 'system error' });
        delivered.push(body);
        send({ errcode: 0, errmsg: 'ok' });
        const answers = late;
        late = [];
        for (const release of answers) release();
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    delivered,
    tokenRequests,
    expireToken: () => (staleBelow = tokenNumber),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
