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
  if (process.env.TARO_ENV === 'weapp') {
    return (
      <Button className={className} fill="outline" type="primary" size="large" openType="share">
        邀请邻居
      </Button>
    );
  }
  return (
    <Button
      className={className}
      fill="outline"
      type="primary"
      size="large"
      onClick={() => void copyShareLink(campaignSharePath(campaignId, inviteCode))}
    >
      邀请邻居
    </Button>
  );
}
