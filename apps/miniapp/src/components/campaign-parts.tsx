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
export function useSecondsLeft(seconds: number): number {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const from = Date.now();
    setElapsed(0);
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - from) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return Math.max(0, seconds - elapsed);
}

/** Seconds from the campaign's start to its cut-off. */
function sellingSeconds(campaign: ShopperCampaign): number {
  return Math.floor((Date.parse(campaign.cutsOffAt) - Date.parse(campaign.startsAt)) / 1000);
}

/** The live time to the start of a scheduled group-buy, else to its cut-off. */
function CampaignCountdown({ campaign }: { campaign: ShopperCampaign }) {
  const secondsLeft = useSecondsLeft(campaign.secondsToCutOff);
  const toStart = secondsLeft - sellingSeconds(campaign);
  let text = '已截团';
  if (campaign.state === 'scheduled' && toStart > 0) text = `距开团 ${countdown(toStart)}`;
  else if (secondsLeft > 0) text = `距截团 ${countdown(secondsLeft)}`;
  return <Text className="campaign-countdown">{text}</Text>;
}

/** How much is gone, as a bar, with the units left and the live countdown. */
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
        <CampaignCountdown campaign={campaign} />
      </View>
    </View>
  );
}
