import Taro from '@tarojs/taro';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

type Method = NonNullable<Taro.request.Option['method']>;

function fullUrl(config: InternalAxiosRequestConfig): string {
  const base = config.baseURL ?? '';
  const path = config.url ?? '';
  const url = /^https?:\/\//.test(path)
    ? path
    : `${base.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  const params = config.params as Record<string, unknown> | undefined;
  if (!params) return url;
  const query = Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
}

/** Sends axios requests through Taro.request, so the same client works in WeChat and in H5. */
export const taroAdapter: AxiosAdapter = (config) =>
  new Promise<AxiosResponse>((resolve, reject) => {
    const headers = AxiosHeaders.from(config.headers).toJSON() as Record<string, string>;
    Taro.request({
      url: fullUrl(config),
      method: (config.method ?? 'get').toUpperCase() as Method,
      data: typeof config.data === 'string' ? JSON.parse(config.data) : config.data,
      header: headers,
      timeout: config.timeout || undefined,
      dataType: 'json',
      success: (result) => {
        const response: AxiosResponse = {
          data: result.data,
          status: result.statusCode,
          statusText: String(result.statusCode),
          headers: result.header,
          config,
        };
        const valid = config.validateStatus
          ? config.validateStatus(result.statusCode)
          : result.statusCode < 400;
        if (valid) resolve(response);
        else
          reject(
            new AxiosError(
              `Request failed with status code ${result.statusCode}`,
              AxiosError.ERR_BAD_RESPONSE,
              config,
              null,
              response,
            ),
          );
      },
      fail: (error) =>
        reject(new AxiosError(error.errMsg || 'Network Error', AxiosError.ERR_NETWORK, config)),
    });
  });
