import { Button } from '@nutui/nutui-react-taro';
import { Image, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useReachBottom, useRouter } from '@tarojs/taro';
import type { ShopperCampaign } from '@linli/api-contract';
import { BuyButton } from '../../components/buy-button';
import { CampaignPrices, CampaignStock, CampaignBadges } from '../../components/campaign-parts';
import { LoadFailed } from '../../components/load-failed';
import { RecommendationStrip } from '../../components/recommendation-strip';
import { comeBack } from '../../services/come-back';
import { useOpenPage } from '../../hooks/use-open-page';
import { useAuthStore } from '../../stores/auth-store';
import { useRecommendationsStore } from '../../stores/recommendations-store';
import { useShopStore } from '../../stores/shop-store';
import { useUnreadBadge } from '../../hooks/use-unread-badge';
import './index.scss';

function CampaignCard({ campaign }: { campaign: ShopperCampaign }) {
  const openPage = useOpenPage();
  const open = () => openPage(`/subpackages/shop/campaign/index?id=${campaign.id}`);
  const [cover] = campaign.images;
  return (
    <View className="campaign-card">
      <View className="campaign-card__open" onClick={open}>
        {cover && <Image className="campaign-card-cover" src={cover} mode="aspectFill" lazyLoad />}
        <View className="campaign-card__body">
          <CampaignBadges campaign={campaign} />
          <Text className="campaign-card__title">{campaign.title}</Text>
          <CampaignPrices campaign={campaign} />
          <CampaignStock campaign={campaign} />
        </View>
      </View>
      <BuyButton className="campaign-card__buy" campaign={campaign} size="small" />
    </View>
  );
}

function distanceText(meters: number): string {
  return meters < 1000 ? `${meters}米` : `${Math.round(meters / 100) / 10}公里`;
}

/**
 * Back to the page that sent the member here to choose, once they have a pickup point, and the
 * suggestions for that point.
 */
function comeBackOnceChosen(): void {
  if (!useShopStore.getState().pickupPoint) return;
  void useRecommendationsStore.getState().load();
  comeBack();
}

/** The nearby pickup points to choose from: the first time, or to move to another one. */
function PickupPointChooser() {
  const { nearby, pickupPoint, error, choosePickupPoint, keepPickupPoint, changePickupPoint } =
    useShopStore();
  return (
    <View className="page">
      <Text className="section-title">选择离你最近的自提点</Text>
      {error && <Text className="index-error">{error}</Text>}
      {nearby.map((point) => {
        const current = point.id === pickupPoint?.id;
        return (
          <View key={point.id} className="pickup-point">
            <View className="pickup-point__info">
              <Text className="pickup-point__name">{point.name}</Text>
              <Text className="pickup-point__address">
                {point.address} · {distanceText(point.distanceMeters)}
              </Text>
            </View>
            <Button
              size="small"
              type={current ? 'default' : 'primary'}
              disabled={current}
              className="pickup-point__choose"
              onClick={() => void choosePickupPoint(point.id).then(comeBackOnceChosen)}
            >
              {current ? '当前' : '选择'}
            </Button>
          </View>
        );
      })}
      {error ? (
        <Button className="pickup-point-retry" fill="outline" block onClick={changePickupPoint}>
          重试
        </Button>
      ) : (
        nearby.length === 0 && <Text className="placeholder">附近还没有自提点</Text>
      )}
      {pickupPoint && (
        <Button className="pickup-point-keep" fill="none" block onClick={keepPickupPoint}>
          不换了
        </Button>
      )}
    </View>
  );
}

export default function IndexPage() {
  const { inviter } = useRouter().params;
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const {
    campaigns,
    campaignsCursor,
    pickupPoint,
    choosingPickupPoint,
    loading,
    error,
    loadCampaigns,
    loadMoreCampaigns,
    changePickupPoint,
  } = useShopStore();
  const recommendations = useRecommendationsStore((s) => s.items);
  useUnreadBadge();

  useDidShow(() => {
    // Opened from a neighbour's 邀请有礼 link: joining makes them the inviter.
    useAuthStore.getState().rememberInviter(inviter);
    if (!loggedIn) return;
    void loadCampaigns();
    void useRecommendationsStore.getState().load();
  });
  useReachBottom(() => {
    if (loggedIn && !choosingPickupPoint) void loadMoreCampaigns();
  });

  if (!loggedIn) {
    return (
      <View className="page placeholder">
        <Text className="placeholder__title">和邻居一起拼团买好货</Text>
        <Button
          className="index-go-login"
          type="primary"
          onClick={() => void Taro.switchTab({ url: '/pages/mine/index' })}
        >
          登录后开始团购
        </Button>
      </View>
    );
  }

  if (choosingPickupPoint) return <PickupPointChooser />;

  return (
    <View className="page">
      {pickupPoint && (
        <View className="pickup-point-bar">
          <View className="pickup-point__info">
            <Text className="pickup-point-bar__name">{pickupPoint.name}</Text>
            <Text className="pickup-point__address">{pickupPoint.address}</Text>
          </View>
          <Text className="pickup-point-bar__change" onClick={() => void changePickupPoint()}>
            切换
          </Text>
        </View>
      )}
      <RecommendationStrip items={recommendations} />
      {error &&
        (campaigns.length === 0 ? (
          <LoadFailed message={error} retrying={loading} onRetry={() => void loadCampaigns()} />
        ) : (
          <Text className="index-error">{error}</Text>
        ))}
      {campaigns.map((campaign) => (
        <CampaignCard key={campaign.id} campaign={campaign} />
      ))}
      {campaigns.length > 0 && !campaignsCursor && (
        <Text className="index-end">今天的团购都在这里了</Text>
      )}
      {!loading && !error && campaigns.length === 0 && (
        <View className="placeholder">
          <Text className="placeholder__title">今天的团购还没开始</Text>
          <Text>晚点再来看看吧</Text>
        </View>
      )}
    </View>
  );
}
