import { Image, ScrollView, Text, View } from '@tarojs/components';
import type { RecommendationReason, RecommendedCampaign } from '@linli/api-contract';
import { useOpenPage } from '../hooks/use-open-page';
import { yuan } from '../services/format';
import './recommendation-strip.scss';

/** Why a group-buy is suggested, as a neighbour reads it. */
export const REASON_LABELS: Record<RecommendationReason, string> = {
  neighbours_also_bought: '邻居也在买',
  bought_before: '买过',
  popular: '热卖',
};

function RecommendationCard({ item }: { item: RecommendedCampaign }) {
  const openPage = useOpenPage();
  const { campaign, reason } = item;
  const [cover] = campaign.images;
  return (
    <View
      className="recommendation"
      onClick={() => openPage(`/subpackages/shop/campaign/index?id=${campaign.id}`)}
    >
      {cover ? (
        <Image className="recommendation__cover" src={cover} mode="aspectFill" lazyLoad />
      ) : (
        <View className="recommendation__cover" />
      )}
      <Text className={`recommendation__reason is-${reason}`}>{REASON_LABELS[reason]}</Text>
      <Text className="recommendation__title">{campaign.title}</Text>
      <Text className="recommendation__price">{yuan(campaign.yourPriceFen)}</Text>
    </View>
  );
}

/** 猜你喜欢: a row of group-buys to look at first; nothing at all when there are none. */
export function RecommendationStrip({ items }: { items: RecommendedCampaign[] }) {
  if (items.length === 0) return null;
  return (
    <View className="recommendations">
      <Text className="recommendations__title">猜你喜欢</Text>
      <ScrollView className="recommendations__row" scrollX enhanced showScrollbar={false}>
        {items.map((item) => (
          <RecommendationCard key={item.campaign.id} item={item} />
        ))}
      </ScrollView>
    </View>
  );
}
