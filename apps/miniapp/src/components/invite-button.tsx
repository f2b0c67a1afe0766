import { Button } from '@nutui/nutui-react-taro';
import { copyShareLink } from '../services/share';

/**
 * 邀请邻居: in WeChat, shares the page to a chat (the page's share message says what is
 * shared); in a browser, copies the address of `path`, which carries the member's invite code,
 * and shows `copied`.
 */
export function InviteButton({
  path,
  copied,
  className,
}: {
  path: string;
  copied: string;
  className: string;
}) {
  const share =
    process.env.TARO_ENV === 'weapp'
      ? { openType: 'share' as const }
      : { onClick: () => void copyShareLink(path, copied) };
  return (
    <Button className={className} fill="outline" type="primary" size="large" {...share}>
      邀请邻居
    </Button>
  );
}
