import { Button } from '@nutui/nutui-react-taro';
import Taro from '@tarojs/taro';
import type { ShopperCampaign } from '@linli/api-contract';
import { useCheckoutStore } from '../stores/checkout-store';

/** 立即参团: opens the checkout for one unit of the campaign, or says it is sold out. */
export function BuyButton({
  campaign,
  className,
  size,
}: {
  campaign: ShopperCampaign;
  className: string;
  size?: 'small' | 'large';
}) {
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
      disabled={campaign.stockLeft === 0}
      onClick={buy}
    >
      {campaign.stockLeft === 0 ? '已抢光' : '立即参团'}
    </Button>
  );
}
