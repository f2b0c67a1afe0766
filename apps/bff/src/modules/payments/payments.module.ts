import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { NotifyUrls } from './notify-urls';
import { PAYMENT_PROVIDER } from './payment-provider';
import { SandboxPaymentProvider } from './sandbox-payment.provider';
import { WechatPayProvider } from './wechat-pay.provider';

@Module({
  providers: [
    SandboxPaymentProvider,
    NotifyUrls,
    {
      provide: PAYMENT_PROVIDER,
      inject: [AppConfig, Clock, SandboxPaymentProvider],
      useFactory: (config: AppConfig, clock: Clock, sandbox: SandboxPaymentProvider) =>
        config.PAYMENT_PROVIDER === 'wechat' ? new WechatPayProvider(config, clock) : sandbox,
    },
  ],
  exports: [PAYMENT_PROVIDER, SandboxPaymentProvider, NotifyUrls],
})
export class PaymentsModule {}
