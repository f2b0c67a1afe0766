import { Injectable } from '@nestjs/common';
import { decodeCursor, keysetPage, PageQuery } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { JobRunPage, JobRunView, JobSummary } from './dto/job-run.dto';
import { JobRunner } from './job-runner.service';

interface JobRunRow {
  id: string;
  job_name: string;
  trigger: 'schedule' | 'admin';
  status: 'running' | 'succeeded' | 'failed';
  processed: number;
  batches: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  cursor_at: string;
}

const toView = (r: JobRunRow): JobRunView => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  processed: r.processed,
  batches: r.batches,
  error: r.error,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
});

/** What the jobs did: each job's last run, and a job's runs newest first, from job_runs. */
@Injectable()
export class JobRunsService {
  constructor(
    private readonly runner: JobRunner,
    private readonly connection: TransactionalConnection,
  ) {}

  async summaries(ctx: RequestContext): Promise<JobSummary[]> {
    const jobs = this.runner.list();
    // Each job's newest run through the (job_name, started_at) index: minute jobs pile up runs.
    const last = await this.connection.query<JobRunRow>(
      ctx,
      `SELECT r.* FROM unnest($1::text[]) AS j(name)
       CROSS JOIN LATERAL (
         SELECT *, started_at::text AS cursor_at FROM job_runs
         WHERE job_name = j.name ORDER BY started_at DESC, id DESC LIMIT 1) r`,
      [jobs.map((job) => job.name)],
    );
    return jobs.map(({ name, schedule, batchSize }) => {
      const run = last.find((r) => r.job_name === name);
      return { name, schedule, batchSize, lastRun: run ? toView(run) : null };
    });
  }

  async runs(ctx: RequestContext, name: string, page: PageQuery): Promise<JobRunPage> {
    this.runner.job(name);
    const after = decodeCursor(page.cursor);
    const rows = await this.connection.query<JobRunRow>(
      ctx,
      `SELECT *, started_at::text AS cursor_at FROM job_runs
       WHERE job_name = $1 AND ($2::timestamptz IS NULL OR (started_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY started_at DESC, id DESC LIMIT $4`,
      [name, after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const { shown, nextCursor } = keysetPage(rows, page.limit);
    return { items: shown.map(toView), nextCursor };
  }
}
