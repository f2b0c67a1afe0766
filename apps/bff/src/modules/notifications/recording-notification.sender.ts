import { Injectable, Logger } from '@nestjs/common';
import { NotificationSender, OutboundNotification, SendOutcome } from './notification-sender';

/**
 * The demo's and tests' sender: keeps what would have been pushed (the newest thousand) and
 * logs it. Members still read every notice in the mini-program.
 */
@Injectable()
export class RecordingNotificationSender implements NotificationSender {
  readonly name = 'recording';
  readonly sent: OutboundNotification[] = [];
  private readonly logger = new Logger(RecordingNotificationSender.name);

  async send(notification: OutboundNotification): Promise<SendOutcome> {
    this.sent.push(notification);
    if (this.sent.length > 1000) this.sent.shift();
    this.logger.debug({ id: notification.id, kind: notification.kind }, 'notification recorded');
    return { status: 'sent' };
  }
}
