import { Module } from '@nestjs/common';
import { PurgeIdempotencyKeysJob, PurgeRefreshTokensJob } from './housekeeping.jobs';
import { JOBS } from './job';
import { JobRunner } from './job-runner.service';
import { JobScheduler } from './job-scheduler.service';
import { JobsController } from './jobs.controller';

const JOB_CLASSES = [PurgeIdempotencyKeysJob, PurgeRefreshTokensJob];

@Module({
  controllers: [JobsController],
  providers: [
    ...JOB_CLASSES,
    { provide: JOBS, useFactory: (...jobs) => jobs, inject: JOB_CLASSES },
    JobRunner,
    JobScheduler,
  ],
  exports: [JobRunner],
})
export class JobsModule {}
