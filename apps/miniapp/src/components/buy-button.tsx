import { Button } from '@nutui/nutui-react-taro';
import type { ShopperCampaign } from '@linli/api-contract';
import { useOpenPage } from '../hooks/use-open-page';
import { useCheckoutStore } from '../stores/checkout-store';
import { CampaignClock, useCampaignClock } from './campaign-parts';

/**
 * Why the campaign cannot be joined now, or null while it is live with stock left and the
 * member may still buy some.
 */
function closedLabel(campaign: ShopperCampaign, { phase }: CampaignClock): string | null {
  if (phase === 'scheduled') return '即将开团';
  if (phase === 'over') return campaign.state === 'failed' ? '未成团' : '已截团';
  if (campaign.stockLeft === 0) return '已抢光';
  if (campaign.yourQuantity >= campaign.perMemberLimit) return '已达限购';
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
  const closed = closedLabel(campaign, useCampaignClock(campaign));
  const openPage = useOpenPage();
  const buy = () =>
    openPage('/subpackages/shop/checkout/index', () => {
      void useCheckoutStore.getState().start(campaign);
    });
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
