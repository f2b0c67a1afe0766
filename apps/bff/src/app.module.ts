import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { AuthGuard } from './common/auth/auth.guard';
import { CommonModule } from './common/common.module';
import { loggerParams } from './common/logging';
import { RedisThrottlerStorage } from './common/rate-limit/redis-throttler-storage';
import { createRedis, REDIS, RedisCloser } from './common/redis';
import { AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { AnalyticsModule } from './modules/analytics/analytics.module';
import { AdminAuthModule } from './modules/admin-auth/admin-auth.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { CouponsModule } from './modules/coupons/coupons.module';
import { EngagementModule } from './modules/engagement/engagement.module';
import { FulfilmentModule } from './modules/fulfilment/fulfilment.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { GroupBuyModule } from './modules/group-buy/group-buy.module';
import { HealthController } from './modules/health/health.controller';
import { JobsModule } from './modules/jobs/jobs.module';
import { MembersModule } from './modules/members/members.module';
import { PickupPointsModule } from './modules/pickup-points/pickup-points.module';
import { PointsModule } from './modules/points/points.module';
import { RecommendationsModule } from './modules/recommendations/recommendations.module';
import { RewardsModule } from './modules/rewards/rewards.module';
import { TiersModule } from './modules/tiers/tiers.module';

/** Configuration and Redis, available everywhere. */
@Global()
@Module({})
class InfrastructureModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: REDIS, useFactory: () => createRedis(config) },
        RedisCloser,
      ],
      exports: [AppConfig, REDIS],
    };
  }
}

@Module({})
export class AppModule {
  /**
   * `config.DATABASE_URL` must be set: main.ts starts the embedded server first when it is not.
   * `extraModules` lets e2e tests mount routes that exercise shared mechanisms.
   */
  static register(
    config: AppConfig & { DATABASE_URL: string },
    extraModules: Type[] = [],
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.register(config),
        LoggerModule.forRoot(loggerParams(config)),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ ...config, url: config.DATABASE_URL }),
          retryAttempts: 0,
        }),
        ThrottlerModule.forRootAsync({
          inject: [REDIS],
          useFactory: (redis: Redis | null) => ({
            throttlers: [
              { ttl: config.LOGIN_RATE_WINDOW_SECONDS * 1000, limit: config.LOGIN_RATE_LIMIT },
            ],
            storage: redis
              ? new RedisThrottlerStorage(redis, `${config.REDIS_KEY_PREFIX}throttle:`)
              : undefined,
          }),
        }),
        DiscoveryModule,
        CommonModule,
        AuditModule,
        AuthModule,
        AdminAuthModule,
        MembersModule,
        PickupPointsModule,
        PointsModule,
        TiersModule,
        CouponsModule,
        RewardsModule,
        GroupBuyModule,
        RecommendationsModule,
        FulfilmentModule,
        EngagementModule,
        NotificationsModule,
        JobsModule,
        AnalyticsModule,
        ...extraModules,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
