import { Button } from '@nutui/nutui-react-taro';
import { campaignSharePath, copyShareLink } from '../services/share';

/**
 * 邀请邻居: in WeChat, shares the group-buy's page to a chat (the page's share message says
 * what is shared); in a browser, copies its address.
 */
export function InviteButton({
  campaignId,
  inviteCode,
  className,
}: {
  campaignId: string;
  inviteCode: string | undefined;
  className: string;
}) {
  const share =
    process.env.TARO_ENV === 'weapp'
      ? { openType: 'share' as const }
      : { onClick: () => void copyShareLink(campaignSharePath(campaignId, inviteCode)) };
  return (
    <Button className={className} fill="outline" type="primary" size="large" {...share}>
      邀请邻居
    </Button>
  );
}
