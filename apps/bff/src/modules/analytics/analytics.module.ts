import { Module } from '@nestjs/common';
import { AnalyticsConnection } from './analytics-connection';
import { AnalyticsController } from './analytics.controller';
import { ChurnService } from './churn.service';
import { InsightReportsService } from './insight-reports.service';

/** Insight (DESIGN section 9): operators' reports, read on the analytics connection. */
@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsConnection, InsightReportsService, ChurnService],
})
export class AnalyticsModule {}
