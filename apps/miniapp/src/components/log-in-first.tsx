import { useRouter } from '@tarojs/taro';
import { choosePickupPointAndComeBack, logInAndComeBack, pageUrl } from '../services/come-back';
import { WayOn } from './way-on';

/**
 * What a page shows before the member has done what it needs: the way there, and back to
 * this page after.
 */
function FirstThis({
  title,
  className,
  action,
  leave,
}: {
  title: string;
  className: string;
  action: string;
  leave: (url: string) => void;
}) {
  const { path, params } = useRouter();
  return (
    <WayOn
      className="log-in-first"
      title={title}
      action={action}
      actionClassName={className}
      onAction={() => leave(pageUrl(path, params))}
    />
  );
}

/** A page of the member's own (a shared group-buy, a message about an order), before they log in. */
export function LogInFirst({ title }: { title: string }) {
  return (
    <FirstThis
      title={title}
      className="log-in-first__go"
      action="去登录"
      leave={logInAndComeBack}
    />
  );
}

/** A group-buy's page for a member who has not chosen a pickup point yet. */
export function ChoosePickupPointFirst() {
  return (
    <FirstThis
      title="先选择你的自提点，再参团"
      className="campaign-choose-point"
      action="选择自提点"
      leave={choosePickupPointAndComeBack}
    />
  );
}
