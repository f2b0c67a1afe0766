import Taro from '@tarojs/taro';
import type { ReactElement } from 'react';
import { LogInFirst } from '../../components/log-in-first';
import { WayOn } from '../../components/way-on';
import { useAuthStore } from '../../stores/auth-store';

/** What a leader page shows a member who leads no pickup point. */
export function NotLeader() {
  return (
    <WayOn
      className="not-leader"
      title="你还不是团长"
      text="团长负责自提点的收货、分拣和核销"
      action="申请成为团长"
      actionClassName="leader-apply-link"
      onAction={() => void Taro.redirectTo({ url: '/subpackages/leader/apply/index' })}
    />
  );
}

/**
 * What a leader page shows instead of its own content to someone who cannot use it: the way to
 * log in (and back), or to apply when the BFF said they lead no pickup point; null for a leader.
 */
export function useLeaderGate(notLeader: boolean): ReactElement | null {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  if (!loggedIn) return <LogInFirst title="登录后使用团长工作台" />;
  return notLeader ? <NotLeader /> : null;
}
