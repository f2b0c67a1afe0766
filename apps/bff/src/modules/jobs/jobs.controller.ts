import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { NoTransaction } from '../../common/transaction/transaction.interceptor';
import { JobRunResult, JobSummary } from './dto/job-run.dto';
import { JobRunner } from './job-runner.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/jobs')
@Roles('admin')
export class JobsController {
  constructor(private readonly runner: JobRunner) {}

  @Get()
  @ApiOkResponse({ type: JobSummary, isArray: true })
  list(): JobSummary[] {
    return this.runner
      .list()
      .map(({ name, schedule, batchSize }) => ({ name, schedule, batchSize }));
  }

  @Post(':name/run')
  @HttpCode(200)
  @NoTransaction()
  @ApiOkResponse({ type: JobRunResult })
  @ApiConflictResponse({ description: 'JOB_ALREADY_RUNNING' })
  @ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE: the BFF is shutting down' })
  run(@Param('name') name: string): Promise<JobRunResult> {
    return this.runner.run(name, 'admin');
  }
}
