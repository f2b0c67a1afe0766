import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class UpdatePointsPolicyRequest {
  @ApiProperty({ description: 'Points earned per whole yuan paid', example: 1 })
  @IsInt()
  @Min(0)
  @Max(100)
  earnPointsPerYuan!: number;

  @ApiProperty({ description: 'Points worth one yuan at checkout', example: 100 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  redeemPointsPerYuan!: number;

  @ApiProperty({
    description:
      'Most of the payable amount points may cover, in basis points (5000 = 50%); never the whole order',
    example: 5000,
  })
  @IsInt()
  @Min(0)
  @Max(9999)
  maxDeductionBps!: number;

  @ApiProperty({
    description: 'Days after pickup before earned points become available (the after-sales window)',
    example: 7,
  })
  @IsInt()
  @Min(0)
  @Max(90)
  afterSalesDays!: number;

  @ApiProperty({
    description:
      'Points expire at the end of the month this many months after they became available',
    example: 12,
  })
  @IsInt()
  @Min(1)
  @Max(120)
  expiryMonths!: number;

  @ApiProperty({
    description:
      'The wallet shows points expiring within this many days: by the end of the Shanghai day this many days from today',
    example: 30,
  })
  @IsInt()
  @Min(1)
  @Max(365)
  expiringSoonDays!: number;

  @ApiProperty({ description: 'Days ahead of expiry a notice is sent', example: 7 })
  @IsInt()
  @Min(0)
  @Max(90)
  expiryNoticeDays!: number;

  @ApiProperty({
    description: 'Day of the month that is member day, or null for none',
    nullable: true,
    example: 18,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(28)
  memberDay!: number | null;

  @ApiProperty({
    description: 'Points multiplier on member day, in percent (200 = x2)',
    example: 200,
  })
  @IsInt()
  @Min(100)
  @Max(1000)
  memberDayMultiplierPct!: number;
}

export class PointsPolicy extends UpdatePointsPolicyRequest {
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
