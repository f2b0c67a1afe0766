import { Text, View } from '@tarojs/components';
import type { ShopperCampaign } from '@linli/api-contract';
import { useEffect, useState } from 'react';
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

/**
 * Seconds left, counting down every second from the figure the BFF gave (so a phone whose clock
 * is wrong still counts right), and starting again when a new figure arrives.
 */
function useSecondsLeft(seconds: number): number {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const from = Date.now();
    setElapsed(0);
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - from) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return Math.max(0, seconds - elapsed);
}

/** How much is gone, as a bar, with the units left and the live time to cut-off. */
export function CampaignStock({ campaign }: { campaign: ShopperCampaign }) {
  const soldPct = Math.round((campaign.sold / campaign.stockTotal) * 100);
  const secondsLeft = useSecondsLeft(campaign.secondsToCutOff);
  return (
    <View>
      <View className="campaign-stock">
        <View className="campaign-stock__bar" style={{ width: `${soldPct}%` }} />
      </View>
      <View className="campaign-stock__meta">
        <Text>
          已团 {campaign.sold} 件 · 剩 {campaign.stockLeft} 件
        </Text>
        <Text className="campaign-countdown">
          {secondsLeft > 0 ? `距截团 ${countdown(secondsLeft)}` : '已截团'}
        </Text>
      </View>
    </View>
  );
}
