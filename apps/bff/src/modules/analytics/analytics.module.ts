import { Module } from '@nestjs/common';
import { AnalyticsConnection } from './analytics-connection';
import { AnalyticsController } from './analytics.controller';
import { ChurnService } from './churn.service';
import { InsightReportsService } from './insight-reports.service';
import { PurchaseSummariesService } from './purchase-summaries.service';
import { RefreshInsightJob } from './refresh-insight.job';

/** Insight (DESIGN section 9): operators' reports, read on the analytics connection. */
@Module({
  controllers: [AnalyticsController],
  providers: [
    AnalyticsConnection,
    PurchaseSummariesService,
    InsightReportsService,
    ChurnService,
    RefreshInsightJob,
  ],
  exports: [RefreshInsightJob],
})
export class AnalyticsModule {}
