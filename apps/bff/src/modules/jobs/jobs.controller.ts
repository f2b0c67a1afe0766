import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { NoTransaction } from '../../common/transaction/transaction.interceptor';
import { PageQuery } from '../../common/pagination';
import { Ctx, RequestContext } from '../../common/request-context';
import { JobRunPage, JobRunResult, JobSummary } from './dto/job-run.dto';
import { JobRunner } from './job-runner.service';
import { JobRunsService } from './job-runs.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/jobs')
@Roles('admin')
export class JobsController {
  constructor(
    private readonly runner: JobRunner,
    private readonly runs: JobRunsService,
  ) {}

  /** Every job with its schedule, and how its last run went, or how far the one running has got. */
  @Get()
  @ApiOkResponse({ type: JobSummary, isArray: true })
  list(@Ctx() ctx: RequestContext): Promise<JobSummary[]> {
    return this.runs.summaries(ctx);
  }

  @Get(':name/runs')
  @ApiOkResponse({ type: JobRunPage, description: 'Newest first' })
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND' })
  history(
    @Ctx() ctx: RequestContext,
    @Param('name') name: string,
    @Query() query: PageQuery,
  ): Promise<JobRunPage> {
    return this.runs.runs(ctx, name, query);
  }

  @Post(':name/run')
  @HttpCode(200)
  @NoTransaction()
  @ApiOkResponse({ type: JobRunResult })
  @ApiConflictResponse({ description: 'JOB_ALREADY_RUNNING' })
  @ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE: the BFF is shutting down' })
  run(@Ctx() ctx: RequestContext, @Param('name') name: string): Promise<JobRunResult> {
    return this.runner.runForOperator(ctx, name);
  }
}
