import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class SetBirthdayRequest {
  @ApiProperty({ description: 'YYYY-MM-DD, not in the future', example: '1990-05-17' })
  @IsString()
  birthday!: string;
}

export class BirthdayView {
  @ApiProperty({ example: '1990-05-17' }) birthday!: string;

  @ApiProperty({
    description: 'The first Shanghai day it may be changed again',
    example: '2027-11-26',
  })
  changeableFrom!: string;

  @ApiProperty({ description: "Points the member's tier gives on their birthday, once a year" })
  giftPoints!: number;
}
