import { ApiProperty } from '@nestjs/swagger';
import { MEMBER_TIERS, MemberTier } from '@linli/shared';
import { PickupPointSummary } from '../../pickup-points/dto/pickup-point.dto';

export class MeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty({ enum: MEMBER_TIERS, enumName: 'MemberTier' }) tier!: MemberTier;
  @ApiProperty({ enum: ['shopper', 'leader'], isArray: true }) roles!: ('shopper' | 'leader')[];
  @ApiProperty({ type: PickupPointSummary, nullable: true })
  pickupPoint!: PickupPointSummary | null;
  @ApiProperty() inviteCode!: string;
  @ApiProperty({ format: 'date-time' }) memberSince!: string;
  @ApiProperty({ nullable: true, type: String, example: '1990-05-17' }) birthday!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The first day the birthday may be changed again; null until it is set',
  })
  birthdayChangeableFrom!: string | null;
}
