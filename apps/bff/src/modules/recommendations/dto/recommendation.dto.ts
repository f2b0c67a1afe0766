import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RECOMMENDATION_REASONS, type RecommendationReason } from '@linli/domain';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ShopperCampaign } from '../../group-buy/dto/catalogue.dto';

export class RecommendationQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 10;
}

export class RecommendedCampaign {
  @ApiProperty({
    enum: RECOMMENDATION_REASONS,
    description:
      'neighbours_also_bought: neighbours who bought what the member bought also bought it (邻居也在买); bought_before: the member bought it before (买过); popular: neighbours here buy it most (热卖)',
  })
  reason!: RecommendationReason;

  @ApiProperty({ type: ShopperCampaign, description: 'As GET /campaigns shows it to the member' })
  campaign!: ShopperCampaign;
}

export class RecommendationList {
  @ApiProperty({ type: RecommendedCampaign, isArray: true, description: 'Best first' })
  items!: RecommendedCampaign[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Always null: the recommendations are one ranked list of at most `limit`',
  })
  nextCursor!: null;
}
