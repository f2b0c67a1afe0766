import { Text, View } from '@tarojs/components';
import type { ShopperCampaign } from '@linli/api-contract';
import { countdown, yuan } from '../services/format';
import './campaign-parts.scss';

/** The caller's price, the group price when the tier beats it, and the list price struck out. */
export function CampaignPrices({ campaign }: { campaign: ShopperCampaign }) {
  return (
    <View className="campaign-prices">
      <Text className="campaign-price">{yuan(campaign.yourPriceFen)}</Text>
      {campaign.yourPriceFen < campaign.groupPriceFen && (
        <Text className="campaign-price__group">团购价 {yuan(campaign.groupPriceFen)}</Text>
      )}
      <Text className="campaign-price__list">{yuan(campaign.listPriceFen)}</Text>
    </View>
  );
}

/** How much is gone, as a bar, with the units left and the time to cut-off. */
export function CampaignStock({ campaign }: { campaign: ShopperCampaign }) {
  const soldPct = Math.round((campaign.sold / campaign.stockTotal) * 100);
  return (
    <View>
      <View className="campaign-stock">
        <View className="campaign-stock__bar" style={{ width: `${soldPct}%` }} />
      </View>
      <View className="campaign-stock__meta">
        <Text>
          已团 {campaign.sold} 件 · 剩 {campaign.stockLeft} 件
        </Text>
        <Text>距截团 {countdown(campaign.secondsToCutOff)}</Text>
      </View>
    </View>
  );
}
