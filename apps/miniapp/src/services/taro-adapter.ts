import Taro from '@tarojs/taro';
import axios, {
  AxiosError,
  AxiosHeaders,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

type Method = NonNullable<Taro.request.Option['method']>;

/** The codes axios' own adapters give a rejected status: 4xx is the caller's fault, 5xx the server's. */
function statusErrorCode(status: number): string | undefined {
  if (status >= 400 && status < 500) return AxiosError.ERR_BAD_REQUEST;
  if (status >= 500 && status < 600) return AxiosError.ERR_BAD_RESPONSE;
  return undefined;
}

function timeoutError(config: InternalAxiosRequestConfig): AxiosError {
  const code = config.transitional?.clarifyTimeoutError
    ? AxiosError.ETIMEDOUT
    : AxiosError.ECONNABORTED;
  const message = config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`;
  return new AxiosError(message, code, config);
}

/** Sends axios requests through Taro.request, so the same client works in WeChat and in H5. */
export const taroAdapter: AxiosAdapter = (config) =>
  new Promise<AxiosResponse>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () =>
      finish(() => {
        task.abort();
        reject(new CanceledError(undefined, undefined, config));
      });
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      config.signal?.removeEventListener?.('abort', onAbort);
      outcome();
    };

    const task = Taro.request({
      // axios builds the URL itself so baseURL, params and paramsSerializer mean what they mean there.
      url: axios.getUri(config),
      method: (config.method ?? 'get').toUpperCase() as Method,
      // Already serialised by axios' transformRequest, with the matching Content-Type header.
      data: config.data as unknown,
      header: AxiosHeaders.from(config.headers).toJSON(true),
      dataType: 'json',
      success: ({ data, statusCode, header }) =>
        finish(() => {
          const response: AxiosResponse = {
            data,
            status: statusCode,
            statusText: '',
            headers: AxiosHeaders.from(header as Record<string, string>),
            config,
            request: task,
          };
          const { validateStatus } = config;
          if (!statusCode || !validateStatus || validateStatus(statusCode)) {
            resolve(response);
            return;
          }
          reject(
            new AxiosError(
              `Request failed with status code ${statusCode}`,
              statusErrorCode(statusCode),
              config,
              task,
              response,
            ),
          );
        }),
      fail: ({ errMsg }) =>
        finish(() =>
          reject(new AxiosError(errMsg || 'Network Error', AxiosError.ERR_NETWORK, config, task)),
        ),
    });
    // Taro also rejects the returned promise on failure; `fail` has already reported it.
    task.catch(() => undefined);

    // Our own timer, not Taro's: its timeout surfaces as a plain failure with a platform message.
    if (config.timeout) {
      timer = setTimeout(
        () =>
          finish(() => {
            task.abort();
            reject(timeoutError(config));
          }),
        config.timeout,
      );
    }
    if (config.signal?.aborted) onAbort();
    else config.signal?.addEventListener?.('abort', onAbort);
  });
