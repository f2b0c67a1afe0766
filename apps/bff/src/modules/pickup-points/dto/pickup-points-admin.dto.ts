import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

const coordinate = { allowNaN: false, allowInfinity: false } as const;

export class CreateCommunityRequest {
  @ApiProperty({ example: '阳光花园', description: 'Not only spaces' })
  @Trimmed()
  @IsString()
  @Length(1, 80)
  @SaysSomething()
  name!: string;

  @ApiProperty({ example: '杭州', description: 'Not only spaces' })
  @Trimmed()
  @IsString()
  @Length(1, 40)
  @SaysSomething()
  city!: string;
}

export class AdminCommunity {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() city!: string;
  @ApiProperty({ description: 'Pickup points in the community' }) pickupPointCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AdminCommunityPage {
  @ApiProperty({ type: AdminCommunity, isArray: true }) items!: AdminCommunity[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreatePickupPointRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  communityId!: string;

  @ApiProperty({ example: '阳光花园东门自提点', description: 'Not only spaces' })
  @Trimmed()
  @IsString()
  @Length(1, 80)
  @SaysSomething()
  name!: string;

  @ApiProperty({ example: '杭州市西湖区文三路 88 号', description: 'Not only spaces' })
  @Trimmed()
  @IsString()
  @Length(1, 200)
  @SaysSomething()
  address!: string;

  @ApiProperty({ minimum: -90, maximum: 90, example: 30.2772 })
  @IsNumber(coordinate)
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 120.1276 })
  @IsNumber(coordinate)
  @Min(-180)
  @Max(180)
  longitude!: number;

  @ApiProperty({ example: '08:00-21:00', description: 'Shown to shoppers as written' })
  @Trimmed()
  @IsString()
  @Length(1, 100)
  @SaysSomething()
  openingHours!: string;
}

/** Any of a pickup point's own fields; its community stays. */
export class UpdatePickupPointRequest extends PartialType(
  OmitType(CreatePickupPointRequest, ['communityId'] as const),
) {}

export class CommunitySummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() city!: string;
}

export class LeaderSummary {
  @ApiProperty({ format: 'uuid', description: "The leader's member id" }) id!: string;
  @ApiProperty() nickname!: string;
}

export class AdminPickupPoint {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: CommunitySummary }) community!: CommunitySummary;
  @ApiProperty() name!: string;
  @ApiProperty() address!: string;
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
  @ApiProperty() openingHours!: string;
  @ApiProperty({
    type: LeaderSummary,
    nullable: true,
    description:
      'The approved leader; null until one is approved, and until then shoppers neither see nor choose the point',
  })
  leader!: LeaderSummary | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AdminPickupPointPage {
  @ApiProperty({ type: AdminPickupPoint, isArray: true }) items!: AdminPickupPoint[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class PickupPointQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the points of this community' })
  @IsOptional()
  @IsUUID('4')
  communityId?: string;
}
