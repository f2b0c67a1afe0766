import { Button } from '@nutui/nutui-react-taro';
import Taro from '@tarojs/taro';
import type { ShopperCampaign } from '@linli/api-contract';
import { useCheckoutStore } from '../stores/checkout-store';
import { useSecondsLeft } from './campaign-parts';

const CLOSED_LABELS: Partial<Record<ShopperCampaign['state'], string>> = {
  scheduled: '即将开团',
  failed: '未成团',
};

/** Why the campaign cannot be joined now, or null while it is live with stock left. */
function closedLabel(campaign: ShopperCampaign, secondsLeft: number): string | null {
  if (campaign.state !== 'live') return CLOSED_LABELS[campaign.state] ?? '已截团';
  if (secondsLeft === 0) return '已截团';
  if (campaign.stockLeft === 0) return '已抢光';
  return null;
}

/**
 * 立即参团: opens the checkout for one unit of the campaign; a group-buy that has not started,
 * has cut off or is sold out says so instead.
 */
export function BuyButton({
  campaign,
  className,
  size,
}: {
  campaign: ShopperCampaign;
  className: string;
  size?: 'small' | 'large';
}) {
  const closed = closedLabel(campaign, useSecondsLeft(campaign.secondsToCutOff));
  const buy = () => {
    void useCheckoutStore.getState().start(campaign);
    void Taro.navigateTo({ url: '/subpackages/shop/checkout/index' });
  };
  return (
    <Button
      className={className}
      type="primary"
      size={size}
      block={size === 'large'}
      disabled={closed !== null}
      onClick={buy}
    >
      {closed ?? '立即参团'}
    </Button>
  );
}
