import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import axios, { AxiosInstance } from 'axios';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app-exception';

export interface WechatIdentity {
  openid: string;
  unionid: string | null;
  sessionKey: string | null;
}

interface Code2SessionResponse {
  openid?: string;
  unionid?: string;
  session_key?: string;
  errcode?: number;
  errmsg?: string;
}

// errcodes that mean "this code cannot log anyone in" rather than "WeChat is unwell".
const REJECTED_CODES = new Set([40029, 40163, 40226, 45011]);

/** Exchanges a `wx.login` code for the user's openid through WeChat's code2Session API. */
@Injectable()
export class WechatSessionProvider {
  private readonly logger = new Logger(WechatSessionProvider.name);
  private readonly http: AxiosInstance;

  constructor(private readonly config: AppConfig) {
    this.http = axios.create({
      baseURL: config.WECHAT_API_BASE,
      timeout: config.WECHAT_TIMEOUT_MS,
    });
  }

  async exchange(code: string): Promise<WechatIdentity> {
    const { WECHAT_APP_ID: appid, WECHAT_APP_SECRET: secret } = this.config;
    if (!appid || !secret) {
      throw new AppException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.WechatUnavailable,
        'WeChat login is not configured',
      );
    }
    let data: Code2SessionResponse;
    try {
      const response = await this.http.get<Code2SessionResponse>('/sns/jscode2session', {
        params: { appid, secret, js_code: code, grant_type: 'authorization_code' },
      });
      data = response.data;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'code2Session request failed');
      throw new AppException(
        HttpStatus.BAD_GATEWAY,
        ErrorCode.WechatUnavailable,
        'WeChat did not answer, try again',
      );
    }
    if (data.errcode && data.errcode !== 0) {
      const rejected = REJECTED_CODES.has(data.errcode);
      this.logger.warn(
        { errcode: data.errcode, errmsg: data.errmsg },
        'code2Session refused the code',
      );
      throw new AppException(
        rejected ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_GATEWAY,
        rejected ? ErrorCode.WechatLoginFailed : ErrorCode.WechatUnavailable,
        rejected ? 'WeChat refused this login code' : 'WeChat could not log you in, try again',
        { wechatErrcode: data.errcode },
      );
    }
    if (!data.openid) {
      throw new AppException(
        HttpStatus.BAD_GATEWAY,
        ErrorCode.WechatUnavailable,
        'WeChat answered without an openid',
      );
    }
    return {
      openid: data.openid,
      unionid: data.unionid ?? null,
      sessionKey: data.session_key ?? null,
    };
  }
}
