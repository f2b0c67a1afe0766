import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../config/app-config';

/**
 * Where providers send their signed notifications. From configuration, never from a request:
 * a client-chosen Host would decide where the provider sends them. Without PUBLIC_BASE_URL
 * (development, tests) the server's own local address.
 */
@Injectable()
export class NotifyUrls {
  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  payment(provider: string): string {
    return `${this.base()}/api/v1/payments/notify/${provider}`;
  }

  refund(provider: string): string {
    return `${this.base()}/api/v1/payments/refund-notify/${provider}`;
  }

  private base(): string {
    return (
      this.config.PUBLIC_BASE_URL?.replace(/\/+$/, '') ??
      `http://127.0.0.1:${(this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo).port}`
    );
  }
}
