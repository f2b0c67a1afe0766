import { Module } from '@nestjs/common';
import { TiersModule } from '../tiers/tiers.module';
import { CampaignsController, CatalogueAdminController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';

@Module({
  imports: [TiersModule],
  controllers: [CatalogueAdminController, CampaignsController],
  providers: [CampaignsService],
  exports: [CampaignsService],
})
export class GroupBuyModule {}
