import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsLatitude, IsLongitude, IsUUID } from 'class-validator';

export class NearbyQuery {
  @ApiProperty({ example: 30.2772 })
  @Type(() => Number)
  @IsLatitude()
  lat!: number;

  @ApiProperty({ example: 120.1276 })
  @Type(() => Number)
  @IsLongitude()
  lng!: number;
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
