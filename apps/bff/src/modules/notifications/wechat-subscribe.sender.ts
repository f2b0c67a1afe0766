import { Injectable, Logger } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import { AppConfig, ConfigError } from '../../config/app-config';
import { NOTIFICATION_KINDS, NotificationKind } from './notification-kinds';
import {
  NotificationSender,
  OutboundNotification,
  pageFor,
  SendOutcome,
} from './notification-sender';

/** Which template carries a kind of notice, and the template fields for its title and body. */
interface Template {
  templateId: string;
  title: string;
  body: string;
}

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
}

// A "thing" field of a subscribe message holds at most 20 characters.
const FIELD_LENGTH = 20;
// The access token was refused: fetch a fresh one and send again.
const TOKEN_REFUSED = new Set([40001, 40014, 42001]);
// Sending again cannot help: the member has not subscribed (or used up their subscriptions),
// the openid is not this mini-program's, or the template does not take these fields.
const UNDELIVERABLE = new Set([43101, 40003, 47003, 40037]);

export function parseTemplates(json: string): Partial<Record<NotificationKind, Template>> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('WECHAT_SUBSCRIBE_TEMPLATES must be a JSON object');
  for (const [kind, template] of Object.entries(parsed)) {
    if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind))
      throw new ConfigError(
        `WECHAT_SUBSCRIBE_TEMPLATES.${kind} is not a kind of notice (${NOTIFICATION_KINDS.join(', ')})`,
      );
    const t = template as Partial<Template> | null;
    if (![t?.templateId, t?.title, t?.body].every((v) => typeof v === 'string' && v.length > 0))
      throw new ConfigError(
        `WECHAT_SUBSCRIBE_TEMPLATES.${kind} needs templateId, title and body field names`,
      );
  }
  return parsed as Partial<Record<NotificationKind, Template>>;
}

function field(text: string): { value: string } {
  const chars = Array.from(text);
  return {
    value: chars.length <= FIELD_LENGTH ? text : `${chars.slice(0, FIELD_LENGTH - 1).join('')}…`,
  };
}

/**
 * Pushes notices as WeChat subscribe messages (subscribeMessage.send). The access token comes
 * from the stable-token API, which hands every BFF instance the same token, and is kept until
 * shortly before it expires.
 */
@Injectable()
export class WechatSubscribeSender implements NotificationSender {
  readonly name = 'wechat';
  private readonly logger = new Logger(WechatSubscribeSender.name);
  private readonly http: AxiosInstance;
  private readonly templates: Partial<Record<NotificationKind, Template>>;
  private token: { value: string; until: number } | null = null;
  private tokenRequest: Promise<string> | null = null;
  private tokenRequestForced = false;

  constructor(private readonly config: AppConfig) {
    if (!config.WECHAT_APP_ID || !config.WECHAT_APP_SECRET)
      throw new ConfigError(
        'NOTIFICATION_PROVIDER=wechat needs WECHAT_APP_ID and WECHAT_APP_SECRET',
      );
    this.templates = parseTemplates(config.WECHAT_SUBSCRIBE_TEMPLATES);
    this.http = axios.create({
      baseURL: config.WECHAT_API_BASE,
      timeout: config.WECHAT_TIMEOUT_MS,
      validateStatus: () => true,
    });
  }

  async send(notification: OutboundNotification): Promise<SendOutcome> {
    const template = this.templates[notification.kind];
    if (!template) return { status: 'skipped', reason: `no template for ${notification.kind}` };
    try {
      const first = await this.post(notification, template, null);
      let answer = first.answer;
      if (answer.errcode && TOKEN_REFUSED.has(answer.errcode))
        ({ answer } = await this.post(notification, template, first.accessToken));
      if (!answer.errcode) return { status: 'sent' };
      const reason = `WeChat ${answer.errcode}: ${answer.errmsg ?? ''}`;
      if (UNDELIVERABLE.has(answer.errcode)) return { status: 'skipped', reason };
      this.logger.warn({ id: notification.id, reason }, 'subscribe message refused, will retry');
      return { status: 'retry', reason };
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.warn({ id: notification.id, reason }, 'subscribe message failed, will retry');
      return { status: 'retry', reason };
    }
  }

  /** Sends with the cached token, or with a newer one than `refusedToken` when WeChat refused it. */
  private async post(
    notification: OutboundNotification,
    template: Template,
    refusedToken: string | null,
  ): Promise<{ answer: WechatAnswer; accessToken: string }> {
    const accessToken = await this.accessToken(refusedToken);
    const response = await this.http.post<WechatAnswer>(
      '/cgi-bin/message/subscribe/send',
      {
        touser: notification.openid,
        template_id: template.templateId,
        page: pageFor(notification),
        lang: 'zh_CN',
        data: {
          [template.title]: field(notification.title),
          [template.body]: field(notification.body),
        },
      },
      { params: { access_token: accessToken } },
    );
    return { answer: this.answer(response.status, response.data), accessToken };
  }

  /**
   * The cached token, or one fetch shared by every send that needs a new one at once. A send
   * whose token WeChat refused forces a new one only while that token is still the cached one:
   * the sends refused with the same token share one forced refresh (WeChat allows only a few a
   * day), and a send refused after it came back uses its token.
   */
  private accessToken(refusedToken: string | null): Promise<string> {
    const cached = this.token;
    if (cached && cached.until > Date.now() && cached.value !== refusedToken)
      return Promise.resolve(cached.value);
    const forceRefresh = refusedToken !== null && (cached?.value ?? refusedToken) === refusedToken;
    if (!this.tokenRequest || (forceRefresh && !this.tokenRequestForced)) {
      this.tokenRequestForced = forceRefresh;
      this.tokenRequest = this.fetchToken(forceRefresh).finally(() => (this.tokenRequest = null));
    }
    return this.tokenRequest;
  }

  private async fetchToken(forceRefresh: boolean): Promise<string> {
    const response = await this.http.post<WechatAnswer>('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: this.config.WECHAT_APP_ID,
      secret: this.config.WECHAT_APP_SECRET,
      force_refresh: forceRefresh,
    });
    const answer = this.answer(response.status, response.data);
    if (!answer.access_token)
      throw new Error(`no access token: WeChat ${answer.errcode ?? '?'} ${answer.errmsg ?? ''}`);
    // Kept until five minutes before WeChat lets it lapse.
    const lifetimeMs = Math.max(0, ((answer.expires_in ?? 7200) - 300) * 1000);
    this.token = { value: answer.access_token, until: Date.now() + lifetimeMs };
    return answer.access_token;
  }

  private answer(status: number, data: unknown): WechatAnswer {
    if (status >= 300 || typeof data !== 'object' || data === null)
      throw new Error(`WeChat answered HTTP ${status}`);
    return data as WechatAnswer;
  }
}
