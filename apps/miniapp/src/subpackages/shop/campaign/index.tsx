import { Image, Swiper, SwiperItem, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter, useShareAppMessage } from '@tarojs/taro';
import { MEMBER_TIER_NAMES } from '@linli/shared';
import { BuyButton } from '../../../components/buy-button';
import { CampaignPrices, CampaignStock, CampaignBadges } from '../../../components/campaign-parts';
import { InviteButton } from '../../../components/invite-button';
import { LoadFailed } from '../../../components/load-failed';
import { NeighbourReviews } from './neighbour-reviews';
import { ChoosePickupPointFirst, LogInFirst } from '../../../components/log-in-first';
import { WayOn } from '../../../components/way-on';
import { CAMPAIGN_GONE } from '../../../services/error-messages';
import { formatDateTime, yuan } from '../../../services/format';
import { campaignSharePath } from '../../../services/share';
import { useAuthStore } from '../../../stores/auth-store';
import { useShopStore } from '../../../stores/shop-store';
import './index.scss';

const PAID_TIERS = ['silver', 'gold', 'diamond'] as const;

function Row({ label, value, valueClass }: { label: string; value: string; valueClass?: string }) {
  return (
    <View className="campaign-detail__row">
      <Text className="campaign-detail__label">{label}</Text>
      <Text className={valueClass}>{value}</Text>
    </View>
  );
}

/** How many neighbours have paid, and how many more the group-buy needs to form. */
function buyersText({ buyers, minBuyers }: { buyers: number; minBuyers: number }): string {
  return buyers >= minBuyers
    ? `${buyers} 位邻居已参团，已够成团人数`
    : `${buyers} 位邻居已参团，还差 ${minBuyers - buyers} 位成团`;
}

export default function CampaignPage() {
  const { id, inviter } = useRouter().params;
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const inviteCode = useAuthStore((s) => s.member?.inviteCode);
  const {
    campaign,
    error,
    openCampaign,
    campaignNeedsPickupPoint: needsPickupPoint,
    campaignGone,
  } = useShopStore();
  useDidShow(() => {
    useAuthStore.getState().rememberInviter(inviter);
    if (id && loggedIn) void openCampaign(id);
  });
  useShareAppMessage(() => {
    const shown = campaign?.id === id ? campaign : null;
    const missing = shown ? shown.minBuyers - shown.buyers : 0;
    return {
      title: shown
        ? `${missing > 0 ? `还差 ${missing} 位成团｜` : ''}${shown.title} ${yuan(shown.groupPriceFen)}`
        : '邻里团购',
      path: campaignSharePath(id ?? '', inviteCode),
      imageUrl: shown?.images[0],
    };
  });

  if (!loggedIn) return <LogInFirst title="登录后参团" />;
  if (needsPickupPoint) return <ChoosePickupPointFirst />;
  if (campaignGone) {
    return (
      <WayOn
        className="campaign-gone"
        title={CAMPAIGN_GONE}
        action="看看其他团购"
        actionClassName="campaign-gone__home"
        onAction={() => void Taro.switchTab({ url: '/pages/index/index' })}
      />
    );
  }

  if (!campaign || campaign.id !== id) {
    return (
      <View className="page placeholder">
        {error && id ? (
          <LoadFailed message={error} onRetry={() => void openCampaign(id)} />
        ) : (
          <Text>加载中…</Text>
        )}
      </View>
    );
  }
  const tierPrices = PAID_TIERS.flatMap((tier) => {
    const price = campaign.tierPrices[tier];
    return price === undefined ? [] : [{ tier, price }];
  });
  return (
    <View className="campaign-detail">
      {campaign.images.length > 0 && (
        <Swiper className="campaign-detail__images" indicatorDots circular>
          {campaign.images.map((url) => (
            <SwiperItem key={url}>
              <Image className="campaign-detail__image" src={url} mode="aspectFill" />
            </SwiperItem>
          ))}
        </Swiper>
      )}
      <View className="campaign-detail__card">
        <CampaignBadges campaign={campaign} />
        <Text className="campaign-detail-title">{campaign.title}</Text>
        <Text className="campaign-detail__sku">
          {campaign.productName} · {campaign.skuName}
        </Text>
        <CampaignPrices campaign={campaign} />
        <CampaignStock campaign={campaign} />
      </View>
      {tierPrices.length > 0 && (
        <View className="campaign-detail__card">
          <Text className="campaign-detail__heading">会员价</Text>
          {tierPrices.map(({ tier, price }) => (
            <Row key={tier} label={MEMBER_TIER_NAMES[tier]} value={yuan(price)} />
          ))}
        </View>
      )}
      <View className="campaign-detail__card">
        <Row label="截团时间" value={formatDateTime(campaign.cutsOffAt)} />
        <Row label="提货日期" value={`${campaign.pickupDate} 到自提点取货`} />
        {campaign.minBuyers > 1 && (
          <>
            <Row label="成团条件" value={`${campaign.minBuyers} 位邻居参团，不成团自动退款`} />
            <Row label="参团" value={buyersText(campaign)} valueClass="campaign-detail-buyers" />
          </>
        )}
        <Row
          label="限购"
          value={`每人 ${campaign.perMemberLimit} 件${campaign.yourQuantity > 0 ? `，你已买 ${campaign.yourQuantity} 件` : ''}`}
          valueClass="campaign-detail-limit"
        />
        {campaign.tierDiscountApplies && (
          <Row
            label="会员折扣"
            value={
              campaign.yourPriceFen < campaign.groupPriceFen
                ? '已按你的会员等级优惠'
                : '会员等级越高，折扣越多'
            }
          />
        )}
      </View>
      {campaign.description.trim() !== '' && (
        <View className="campaign-detail__card">
          <Text className="campaign-detail__heading">商品介绍</Text>
          <Text className="campaign-detail-description">{campaign.description}</Text>
        </View>
      )}
      <NeighbourReviews campaignId={campaign.id} />
      {error && <Text className="campaign-detail__error">{error}</Text>}
      <View className="campaign-detail__bar">
        <InviteButton
          className="campaign-detail-invite"
          path={campaignSharePath(campaign.id, inviteCode)}
          copied="链接已复制，发给邻居一起参团"
        />
        <BuyButton className="campaign-detail-buy" campaign={campaign} size="large" />
      </View>
    </View>
  );
}
