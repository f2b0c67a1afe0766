import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { PageQuery } from '../../../common/pagination';

export class AuditLogQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'What was changed: member, campaign, refund, …' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  targetType?: string;

  @ApiPropertyOptional({ description: 'Which one, with targetType or alone' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  targetId?: string;

  @ApiPropertyOptional({ description: 'The change: points.adjust, campaign.publish, …' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;
}

export class AuditActor {
  @ApiProperty({ enum: ['admin', 'member', 'system'] }) kind!: 'admin' | 'member' | 'system';
  @ApiProperty({ description: 'The operator or member; for the system, the request or job run' })
  id!: string;
}

export class AuditTarget {
  @ApiProperty() type!: string;
  @ApiProperty() id!: string;
}

export class AuditEntry {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: AuditActor }) actor!: AuditActor;
  @ApiProperty() action!: string;
  @ApiProperty({ type: AuditTarget }) target!: AuditTarget;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed, by action',
  })
  details!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuditLogPage {
  @ApiProperty({ type: AuditEntry, isArray: true }) items!: AuditEntry[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
