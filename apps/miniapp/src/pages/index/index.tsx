import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import type { ShopperCampaign } from '@linli/api-contract';
import { BuyButton } from '../../components/buy-button';
import { CampaignPrices, CampaignStock } from '../../components/campaign-parts';
import { useAuthStore } from '../../stores/auth-store';
import { useShopStore } from '../../stores/shop-store';
import './index.scss';

function CampaignCard({ campaign }: { campaign: ShopperCampaign }) {
  const open = () =>
    void Taro.navigateTo({ url: `/subpackages/shop/campaign/index?id=${campaign.id}` });
  return (
    <View className="campaign-card">
      <View className="campaign-card__open" onClick={open}>
        <Text className="campaign-card__title">{campaign.title}</Text>
        <CampaignPrices campaign={campaign} />
        <CampaignStock campaign={campaign} />
      </View>
      <BuyButton className="campaign-card__buy" campaign={campaign} size="small" />
    </View>
  );
}

export default function IndexPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { campaigns, needsPickupPoint, nearby, loading, error, loadCampaigns, choosePickupPoint } =
    useShopStore();

  useDidShow(() => {
    if (loggedIn) void loadCampaigns();
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

  if (needsPickupPoint) {
    return (
      <View className="page">
        <Text className="section-title">选择离你最近的自提点</Text>
        {nearby.map((point) => (
          <View key={point.id} className="pickup-point">
            <View className="pickup-point__info">
              <Text className="pickup-point__name">{point.name}</Text>
              <Text className="pickup-point__address">
                {point.address} ·{' '}
                {point.distanceMeters < 1000
                  ? `${point.distanceMeters}米`
                  : `${Math.round(point.distanceMeters / 100) / 10}公里`}
              </Text>
            </View>
            <Button
              size="small"
              type="primary"
              className="pickup-point__choose"
              onClick={() => void choosePickupPoint(point.id)}
            >
              选择
            </Button>
          </View>
        ))}
        {nearby.length === 0 && <Text className="placeholder">附近还没有自提点</Text>}
      </View>
    );
  }

  return (
    <View className="page">
      {error && <Text className="index-error">{error}</Text>}
      {campaigns.map((campaign) => (
        <CampaignCard key={campaign.id} campaign={campaign} />
      ))}
      {!loading && !error && campaigns.length === 0 && (
        <View className="placeholder">
          <Text className="placeholder__title">今天的团购还没开始</Text>
          <Text>晚点再来看看吧</Text>
        </View>
      )}
    </View>
  );
}
