import { Text, View } from '@tarojs/components';
import type { ShopperCampaign } from '@linli/api-contract';
import { useEffect, useState } from 'react';
import { countdown, yuan } from '../services/format';
import './campaign-parts.scss';

/**
 * 会员专享: a campaign offered only to the tiers whose benefits include it; 会员日专享: one
 * offered only on the member day.
 */
export function CampaignBadges({ campaign }: { campaign: ShopperCampaign }) {
  return (
    <>
      {campaign.exclusive && <Text className="exclusive-badge">会员专享</Text>}
      {campaign.memberDayOnly && (
        <Text className="exclusive-badge member-day-badge">会员日专享</Text>
      )}
    </>
  );
}

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

/** Seconds from the campaign's start to its cut-off. */
function sellingSeconds(campaign: ShopperCampaign): number {
  return Math.floor((Date.parse(campaign.cutsOffAt) - Date.parse(campaign.startsAt)) / 1000);
}

export interface CampaignClock {
  /** Not started yet, taking orders, or no longer (cut off, failed, closed). */
  phase: 'scheduled' | 'live' | 'over';
  secondsLeft: number;
  toStart: number;
}

/**
 * Where the group-buy stands this second, counted from the BFF's figures: a scheduled one whose
 * start has come is live, as the BFF then takes its orders, and one past its cut-off is over.
 * The countdown and the buy button both read it, so they never disagree.
 */
export function useCampaignClock(campaign: ShopperCampaign): CampaignClock {
  const secondsLeft = useSecondsLeft(campaign.secondsToCutOff);
  const toStart = secondsLeft - sellingSeconds(campaign);
  const open = (campaign.state === 'scheduled' || campaign.state === 'live') && secondsLeft > 0;
  const phase = !open
    ? 'over'
    : campaign.state === 'scheduled' && toStart > 0
      ? 'scheduled'
      : 'live';
  return { phase, secondsLeft, toStart };
}

/** The live time to the start of a scheduled group-buy, else to its cut-off. */
function CampaignCountdown({ campaign }: { campaign: ShopperCampaign }) {
  const { phase, secondsLeft, toStart } = useCampaignClock(campaign);
  const text =
    phase === 'scheduled'
      ? `距开团 ${countdown(toStart)}`
      : phase === 'live'
        ? `距截团 ${countdown(secondsLeft)}`
        : '已截团';
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
