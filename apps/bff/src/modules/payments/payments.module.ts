import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { PAYMENT_PROVIDER } from './payment-provider';
import { SandboxPaymentProvider } from './sandbox-payment.provider';

@Module({
  providers: [
    SandboxPaymentProvider,
    {
      provide: PAYMENT_PROVIDER,
      inject: [AppConfig, SandboxPaymentProvider],
      useFactory: (config: AppConfig, sandbox: SandboxPaymentProvider) => {
        if (config.PAYMENT_PROVIDER === 'sandbox') return sandbox;
        throw new Error(
          'PAYMENT_PROVIDER=wechat: the WeChat Pay v3 provider is not part of this build yet',
        );
      },
    },
  ],
  exports: [PAYMENT_PROVIDER, SandboxPaymentProvider],
})
export class PaymentsModule {}
