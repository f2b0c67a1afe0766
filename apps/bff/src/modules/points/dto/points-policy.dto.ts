import { ApiProperty, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '../../../common/omittable';

export class StreakBonus {
  @ApiProperty({ description: 'Day of an unbroken check-in streak (连续签到第 N 天)', example: 7 })
  @IsInt()
  @Min(1)
  @Max(31)
  day!: number;

  @ApiProperty({ description: 'Points on top of the daily ones on that day', example: 30 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  points!: number;
}

export class UpdatePointsPolicyRequest {
  @ApiProperty({
    description:
      'Points earned per yuan paid: floor(yuan paid x this), before the tier and member-day multipliers',
    example: 1,
  })
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

  @ApiProperty({
    description: 'Points for a daily check-in; left out, it stays as it is',
    example: 5,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(10_000)
  checkInPoints?: number;

  @ApiProperty({
    description: 'Growth value for a daily check-in; left out, it stays as it is',
    example: 1,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(100)
  checkInGrowth?: number;

  @ApiProperty({
    description:
      'Extra points on given days of a check-in streak, each day once; after the last day the table starts again. Left out, it stays as it is',
    type: [StreakBonus],
    required: false,
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(31)
  @ValidateNested({ each: true })
  @Type(() => StreakBonus)
  checkInStreakBonuses?: StreakBonus[];

  @ApiProperty({
    description:
      "Points for the inviter when an invitee's first order is picked up; left out, it stays as it is",
    example: 100,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(100_000)
  referralInviterPoints?: number;

  @ApiProperty({
    description:
      'Points for the invitee when their first order is picked up; left out, it stays as it is',
    example: 50,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(100_000)
  referralInviteePoints?: number;

  @ApiProperty({
    description:
      'Invitees an inviter is rewarded for in a Shanghai month, at most; left out, it stays as it is',
    example: 10,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(1_000)
  referralMonthlyCap?: number;

  @ApiProperty({
    description: 'Points for reviewing an order line picked up; left out, it stays as it is',
    example: 10,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(10_000)
  reviewPoints?: number;

  @ApiProperty({
    description: 'Growth value for reviewing an order line picked up; left out, it stays as it is',
    example: 2,
    required: false,
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(100)
  reviewGrowth?: number;
}

export class PointsPolicy extends OmitType(UpdatePointsPolicyRequest, [
  'checkInPoints',
  'checkInGrowth',
  'checkInStreakBonuses',
  'referralInviterPoints',
  'referralInviteePoints',
  'referralMonthlyCap',
  'reviewPoints',
  'reviewGrowth',
]) {
  @ApiProperty({ example: 5 }) checkInPoints!: number;
  @ApiProperty({ example: 1 }) checkInGrowth!: number;
  @ApiProperty({ type: [StreakBonus] }) checkInStreakBonuses!: StreakBonus[];
  @ApiProperty({ example: 100 }) referralInviterPoints!: number;
  @ApiProperty({ example: 50 }) referralInviteePoints!: number;
  @ApiProperty({ example: 10 }) referralMonthlyCap!: number;
  @ApiProperty({ example: 10 }) reviewPoints!: number;
  @ApiProperty({ example: 2 }) reviewGrowth!: number;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
