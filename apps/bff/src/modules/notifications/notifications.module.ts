import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DispatchNotificationsJob } from './dispatch-notifications.job';
import { NotificationDispatcher } from './notification-dispatcher.service';
import { NOTIFICATION_SENDER } from './notification-sender';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { RecordingNotificationSender } from './recording-notification.sender';
import { WechatSubscribeSender } from './wechat-subscribe.sender';

@Module({
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    NotificationDispatcher,
    DispatchNotificationsJob,
    RecordingNotificationSender,
    {
      provide: NOTIFICATION_SENDER,
      inject: [AppConfig, RecordingNotificationSender],
      useFactory: (config: AppConfig, recording: RecordingNotificationSender) =>
        config.NOTIFICATION_PROVIDER === 'wechat' ? new WechatSubscribeSender(config) : recording,
    },
  ],
  exports: [NotificationsService, DispatchNotificationsJob, RecordingNotificationSender],
})
export class NotificationsModule {}
