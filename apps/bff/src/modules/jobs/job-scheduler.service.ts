import {
  BeforeApplicationShutdown,
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { CronJob } from 'cron';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../../common/errors/app-exception';
import { BUSINESS_TIME_ZONE } from '../../common/clock';
import { JobRunner } from './job-runner.service';

/**
 * Fires each job on its cron schedule; the advisory lock keeps N instances to one run. A BFF
 * that stops fires no more jobs and waits for the running ones to end their current batch.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobScheduler.name);
  private readonly crons: CronJob[] = [];

  constructor(
    private readonly runner: JobRunner,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.JOBS_ENABLED) return;
    for (const job of this.runner.list()) {
      const cron = CronJob.from({
        cronTime: job.schedule,
        timeZone: BUSINESS_TIME_ZONE,
        start: true,
        onTick: () => this.fire(job.name),
      });
      this.crons.push(cron);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const cron of this.crons) cron.stop();
    await this.runner.stop();
  }

  private async fire(name: string): Promise<void> {
    try {
      await this.runner.run(name, 'schedule');
    } catch (error) {
      if (
        error instanceof AppException &&
        (error.status === HttpStatus.CONFLICT || error.status === HttpStatus.SERVICE_UNAVAILABLE)
      )
        return;
      this.logger.error({ err: error, job: name }, 'scheduled job failed');
    }
  }
}
