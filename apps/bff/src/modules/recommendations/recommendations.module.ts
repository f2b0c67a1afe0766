import { Module } from '@nestjs/common';
import { GroupBuyModule } from '../group-buy/group-buy.module';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsService } from './recommendations.service';

/** 猜你喜欢: the group-buys to show a member first. */
@Module({
  imports: [GroupBuyModule],
  controllers: [RecommendationsController],
  providers: [RecommendationsService],
})
export class RecommendationsModule {}
