import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { ChurnService } from './churn.service';
import {
  AnalyticsOverview,
  ChurnQuery,
  ChurnReport,
  CohortQuery,
  CohortReport,
  LeadersReport,
  PeriodQuery,
  PointsLiabilityReport,
  RfmQuery,
  RfmReport,
} from './dto/analytics.dto';
import { InsightReportsService } from './insight-reports.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/analytics')
@Roles('admin')
export class AnalyticsController {
  constructor(
    private readonly reports: InsightReportsService,
    private readonly churn: ChurnService,
  ) {}

  /** Members, sales, points and tiers over a period (the last 30 days unless told). */
  @Get('overview')
  @ApiOkResponse({ type: AnalyticsOverview })
  overview(@Query() query: PeriodQuery): Promise<AnalyticsOverview> {
    return this.reports.overview(query);
  }

  /** Buyers by recency, frequency and monetary quintiles, in named segments. */
  @Get('rfm')
  @ApiOkResponse({ type: RfmReport })
  rfm(@Query() query: RfmQuery): Promise<RfmReport> {
    return this.reports.rfm(query.segment, query.limit);
  }

  /** Members by the month they joined, and the share of each who bought in each month since. */
  @Get('cohorts')
  @ApiOkResponse({ type: CohortReport })
  cohorts(@Query() query: CohortQuery): Promise<CohortReport> {
    return this.reports.cohorts(query.months);
  }

  /** Each pickup point's sales and how quickly its neighbours collect what is ready. */
  @Get('leaders')
  @ApiOkResponse({ type: LeadersReport })
  leaders(@Query() query: PeriodQuery): Promise<LeadersReport> {
    return this.reports.leaders(query);
  }

  /** Points members hold, what they are worth, when they expire, and a year of movements. */
  @Get('points-liability')
  @ApiOkResponse({ type: PointsLiabilityReport })
  pointsLiability(): Promise<PointsLiabilityReport> {
    return this.reports.pointsLiability();
  }

  /**
   * BG/NBD and Gamma-Gamma on every buyer's purchase days (fitted at most once a day): buyers by
   * lifecycle stage with their expected next 90 days; `stage` lists that stage's buyers.
   */
  @Get('churn')
  @ApiOkResponse({ type: ChurnReport })
  churnReport(@Query() query: ChurnQuery): Promise<ChurnReport> {
    return this.churn.report(query.stage, query.limit);
  }
}
