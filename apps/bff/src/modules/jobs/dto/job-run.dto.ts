import { ApiProperty } from '@nestjs/swagger';

export class JobRunResult {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['succeeded'] }) status!: 'succeeded';
  @ApiProperty() processed!: number;
  @ApiProperty() batches!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) finishedAt!: string;
}

/** One run of a job, as job_runs records it: while it runs, how far it has got. */
export class JobRunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'admin'] }) trigger!: 'schedule' | 'admin';
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] })
  status!: 'running' | 'succeeded' | 'failed';
  @ApiProperty({ description: 'Rows the committed batches processed so far' }) processed!: number;
  @ApiProperty({ description: 'Batches committed so far' }) batches!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Why a failed run stopped' })
  error!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class JobRunPage {
  @ApiProperty({ type: JobRunView, isArray: true }) items!: JobRunView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class JobSummary {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Cron expression, Asia/Shanghai' }) schedule!: string;
  @ApiProperty() batchSize!: number;
  @ApiProperty({
    type: JobRunView,
    nullable: true,
    description: 'The run going on now, or else the last one; null before the first',
  })
  lastRun!: JobRunView | null;
}
