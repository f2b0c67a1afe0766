import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

export const APPLICATION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export class LeaderApplicationRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID('4') pickupPointId!: string;
  @ApiProperty({ minLength: 2, maxLength: 20 })
  @Trimmed()
  @IsString()
  @Length(2, 20)
  @SaysSomething()
  realName!: string;
  @ApiProperty({ description: 'Mainland mobile number, 11 digits' })
  @Matches(/^1\d{10}$/)
  phone!: string;
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Trimmed()
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class LeaderApplication {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty() realName!: string;
  @ApiProperty() phone!: string;
  @ApiProperty() note!: string;
  @ApiProperty({ enum: APPLICATION_STATUSES }) status!: ApplicationStatus;
  @ApiProperty({ nullable: true, type: String }) decisionNote!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LeaderApplicationPage {
  @ApiProperty({ type: LeaderApplication, isArray: true }) items!: LeaderApplication[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ApplicationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: APPLICATION_STATUSES })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}
