import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('job_runs')
export class JobRun {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'job_name' }) jobName!: string;
  @Column('text') trigger!: 'schedule' | 'admin';
  @Column('text') status!: 'running' | 'succeeded' | 'failed';
  @Column('int') processed!: number;
  @Column('int') batches!: number;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
}
