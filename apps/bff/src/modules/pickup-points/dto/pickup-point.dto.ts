import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsLatitude, IsLongitude, IsOptional, IsUUID } from 'class-validator';

export class NearbyQuery {
  @ApiProperty({ example: 30.2772 })
  @Type(() => Number)
  @IsLatitude()
  lat!: number;

  @ApiProperty({ example: 120.1276 })
  @Type(() => Number)
  @IsLongitude()
  lng!: number;

  @ApiPropertyOptional({
    description:
      'true: the points that still need a leader, for a member applying to run one, instead of the points shoppers can choose',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  vacant?: boolean;
}

export class PickupPointSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() address!: string;
}

export class NearbyPickupPoint {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() address!: string;
  @ApiProperty() communityName!: string;
  @ApiProperty() openingHours!: string;
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
  @ApiProperty({ description: 'Straight-line distance from the given place, in metres' })
  distanceMeters!: number;
}

export class BindPickupPointRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  pickupPointId!: string;
}
