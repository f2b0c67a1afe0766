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

export class JobSummary {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Cron expression, Asia/Shanghai' }) schedule!: string;
  @ApiProperty() batchSize!: number;
}
