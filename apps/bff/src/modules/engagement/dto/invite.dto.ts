import { ApiProperty } from '@nestjs/swagger';

export class InviteView {
  @ApiProperty({ description: 'Carried by the links the member shares' }) inviteCode!: string;
  @ApiProperty({ description: 'Neighbours who joined through the member' }) invited!: number;

  @ApiProperty({ description: 'Invitees whose first pickup rewarded the member' })
  rewarded!: number;

  @ApiProperty({ description: 'Points the member earned by inviting' }) pointsEarned!: number;

  @ApiProperty({ description: 'Invitees rewarded this Shanghai month, of monthlyCap' })
  rewardedThisMonth!: number;

  @ApiProperty({ description: 'Invitees an inviter is rewarded for in a month, at most' })
  monthlyCap!: number;

  @ApiProperty({ description: "The inviter's points for an invitee's first pickup" })
  inviterPoints!: number;

  @ApiProperty({ description: "The invitee's points for their first pickup" })
  inviteePoints!: number;
}
