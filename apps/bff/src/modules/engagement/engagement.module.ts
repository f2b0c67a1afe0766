import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PointsModule } from '../points/points.module';
import { TiersModule } from '../tiers/tiers.module';
import { BirthdayController } from './birthday.controller';
import { BirthdaysService } from './birthdays.service';
import { CheckInsController } from './check-ins.controller';
import { CheckInsService } from './check-ins.service';
import { GiveBirthdayGiftsJob } from './give-birthday-gifts.job';
import { InviteController } from './invite.controller';
import { ReferralsService } from './referrals.service';
import {
  CampaignReviewsController,
  ProductReviewsController,
  ReviewsAdminController,
  ReviewsController,
} from './reviews.controller';
import { ReviewsService } from './reviews.service';

/**
 * What brings members back between orders (DESIGN.md section 8): daily check-in, birthdays,
 * invitations, reviews.
 */
@Module({
  imports: [PointsModule, TiersModule, NotificationsModule],
  controllers: [
    CheckInsController,
    BirthdayController,
    InviteController,
    ReviewsController,
    CampaignReviewsController,
    ProductReviewsController,
    ReviewsAdminController,
  ],
  providers: [
    CheckInsService,
    BirthdaysService,
    GiveBirthdayGiftsJob,
    ReferralsService,
    ReviewsService,
  ],
  exports: [BirthdaysService, GiveBirthdayGiftsJob, ReferralsService],
})
export class EngagementModule {}
