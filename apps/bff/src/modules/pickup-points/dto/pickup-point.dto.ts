import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsLatitude, IsLongitude, IsNumber, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../../common/pagination';

/**
 * A coordinate in the query string: plain decimal text only. Number() would read '' and ' '
 * as 0 (a search around 0,0) and '0x1E' as 30.
 */
const toCoordinate = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^[+-]?\d{1,3}(\.\d+)?$/.test(value) ? Number(value) : value;

export class NearbyQuery extends PageQuery {
  @ApiProperty({ example: 30.2772 })
  @Transform(toCoordinate)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLatitude()
  lat!: number;

  @ApiProperty({ example: 120.1276 })
  @Transform(toCoordinate)
  @IsNumber({ allowNaN: false, allowInfinity: false })
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

export class NearbyPickupPointPage {
  @ApiProperty({ type: NearbyPickupPoint, isArray: true, description: 'Nearest first' })
  items!: NearbyPickupPoint[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class BindPickupPointRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4')
  pickupPointId!: string;
}
