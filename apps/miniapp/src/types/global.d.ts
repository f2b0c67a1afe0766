/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.css';
declare module '*.scss';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd';
    /** Where the BFF's /api/v1 is; same origin in H5 by default. */
    TARO_APP_API_BASE?: string;
    /** "true" where log-in by name (the BFF's dev provider) is offered: the demo and tests. */
    TARO_APP_DEV_LOGIN?: string;
  }
}
