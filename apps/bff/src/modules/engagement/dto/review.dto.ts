import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { SaysSomething, Trimmed } from '../../../common/text-fields';

export class ReviewRequest {
  @ApiProperty({ format: 'uuid', description: 'A line of the order' })
  @IsUUID('4')
  orderLineId!: string;

  @ApiProperty({ minimum: 1, maximum: 5, example: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiProperty({ maxLength: 500, example: '橙子很甜，下次还买' })
  @IsString()
  @MaxLength(500)
  text!: string;
}

export class ReviewView {
  @ApiProperty({ format: 'uuid' }) orderLineId!: string;
  @ApiProperty() rating!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Points credited for the review, spendable at once' })
  pointsAwarded!: number;
  @ApiProperty({
    description:
      'Growth value the review earns: recorded at once for an order completed, else when its after-sales window closes',
  })
  growthAwarded!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CampaignReview {
  @ApiProperty({ format: 'uuid' }) orderLineId!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() memberNickname!: string;
  @ApiProperty() rating!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When an operator hid it from neighbours',
  })
  hiddenAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) hiddenReason!: string | null;
}

export class HideReviewRequest {
  @ApiProperty({ example: '含有广告', description: 'Why; kept with the review and audited' })
  @Trimmed()
  @IsString()
  @Length(2, 200)
  @SaysSomething()
  reason!: string;
}

/** A review as neighbours read it. */
export class ProductReview {
  @ApiProperty({ format: 'uuid', description: 'The order line reviewed' }) id!: string;
  @ApiProperty({
    description: "The first character of the reviewer's nickname, then **",
    example: '王**',
  })
  reviewer!: string;
  @ApiProperty() rating!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'The group-buy it was bought in' }) campaignTitle!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ProductReviewPage {
  @ApiProperty({ description: 'Visible reviews of the product in all' }) count!: number;
  @ApiProperty({
    type: [Number],
    description: 'How many gave 1, 2, 3, 4 and 5 stars, in that order',
    example: [0, 0, 1, 3, 8],
  })
  byRating!: number[];
  @ApiProperty({ type: ProductReview, isArray: true, description: 'Newest first' })
  items!: ProductReview[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class CampaignReviewPage {
  @ApiProperty({ description: 'Reviews of the group-buy in all, hidden ones too' }) count!: number;
  @ApiProperty({
    type: [Number],
    description: 'How many gave 1, 2, 3, 4 and 5 stars, in that order',
    example: [0, 0, 1, 3, 8],
  })
  byRating!: number[];
  @ApiProperty({ type: CampaignReview, isArray: true, description: 'Newest first' })
  items!: CampaignReview[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
