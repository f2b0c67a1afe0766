import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { StreakBonus } from '../../points/dto/points-policy.dto';
import { IsMonth } from '../../../common/date-fields';

export class CheckInResult {
  @ApiProperty({ description: 'The Shanghai business day checked in', example: '2026-11-26' })
  day!: string;

  @ApiProperty({ description: 'Days in a row checked in, today included', example: 3 })
  streak!: number;

  @ApiProperty({ description: 'Points credited, spendable at once (streak bonus included)' })
  pointsAwarded!: number;

  @ApiProperty({ description: 'The streak bonus among pointsAwarded', example: 10 })
  bonusPoints!: number;

  @ApiProperty({ description: 'Growth value recorded' })
  growthAwarded!: number;
}

export class CalendarQuery {
  @ApiProperty({ required: false, description: 'YYYY-MM; this month when left out' })
  @IsOptional()
  @IsMonth()
  month?: string;
}

export class CheckInDay {
  @ApiProperty({ example: '2026-11-26' }) day!: string;
  @ApiProperty() streak!: number;
  @ApiProperty() points!: number;
}

export class CheckInRulesView {
  @ApiProperty({ description: 'Points for each check-in' }) points!: number;
  @ApiProperty({ description: 'Growth value for each check-in' }) growth!: number;
  @ApiProperty({ type: [StreakBonus], description: 'Repeat after the last day' })
  streakBonuses!: StreakBonus[];
}

export class NextStreakBonus {
  @ApiProperty({ description: 'Check-ins in a row from today to reach it (1: the next one)' })
  inDays!: number;
  @ApiProperty() points!: number;
}

export class CheckInCalendar {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ description: 'Today in Shanghai', example: '2026-11-26' }) today!: string;
  @ApiProperty() checkedInToday!: boolean;

  @ApiProperty({
    description:
      'The streak as it stands: through today, or through yesterday while today is still open; 0 when broken',
  })
  streak!: number;

  @ApiProperty({ type: [CheckInDay], description: "The month's check-ins, by day" })
  days!: CheckInDay[];

  @ApiProperty({ type: CheckInRulesView }) rules!: CheckInRulesView;

  @ApiProperty({
    type: NextStreakBonus,
    nullable: true,
    description:
      'The next streak bonus if the member checks in every day from the next check-in on',
  })
  nextBonus!: NextStreakBonus | null;
}
