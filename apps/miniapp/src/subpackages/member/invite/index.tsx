import { Text, View } from '@tarojs/components';
import { useShareAppMessage } from '@tarojs/taro';
import { InviteButton } from '../../../components/invite-button';
import { NotLoaded } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { useLoaded } from '../../../hooks/use-loaded';
import { api } from '../../../services/api';
import { homeSharePath } from '../../../services/share';
import { useAuthStore } from '../../../stores/auth-store';
import './index.scss';

/** 邀请有礼: the member's code, what inviting brings both sides, and what it has brought them. */
export default function InvitePage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const {
    data: invite,
    error,
    loading,
    load,
  } = useLoaded(() => api.me.invite(), '邀请信息加载失败', loggedIn);
  useShareAppMessage(() => ({
    title: '邻里团购，邻居一起买更划算',
    path: invite ? homeSharePath(invite.inviteCode) : '/pages/index/index',
  }));

  if (!loggedIn) return <LogInFirst title="登录后邀请邻居" />;
  if (!invite) return <NotLoaded error={error} loading={loading} onRetry={() => void load()} />;

  return (
    <View className="invite">
      <View className="invite-head">
        <Text className="invite-head__title">邀请邻居，一起得积分</Text>
        <Text className="invite-head__rules">
          {`邻居通过你的链接加入邻里，首单取货后：你得 ${invite.inviterPoints} 积分，邻居得 ${invite.inviteePoints} 积分，售后期结束后到账；邻居取到的货全部退款的，奖励收回`}
        </Text>
        <Text className="invite-head__code">{`邀请码 ${invite.inviteCode}`}</Text>
        <InviteButton
          className="invite-share"
          path={homeSharePath(invite.inviteCode)}
          copied="链接已复制，发给邻居一起加入邻里"
        />
      </View>
      <View className="invite-stats">
        <View className="invite-stat">
          <Text className="invite-stat__value invite-invited">{invite.invited}</Text>
          <Text className="invite-stat__label">已邀请</Text>
        </View>
        <View className="invite-stat">
          <Text className="invite-stat__value invite-rewarded">{invite.rewarded}</Text>
          <Text className="invite-stat__label">已奖励邻居</Text>
        </View>
        <View className="invite-stat">
          <Text className="invite-stat__value invite-points">{invite.pointsEarned}</Text>
          <Text className="invite-stat__label">共得积分</Text>
        </View>
      </View>
      <Text className="invite-month">
        {invite.rewardedThisMonth >= invite.monthlyCap
          ? `本月已奖励 ${invite.monthlyCap} 位邻居，达到上限，下月再来`
          : `每月最多奖励 ${invite.monthlyCap} 位邻居，本月已奖励 ${invite.rewardedThisMonth} 位`}
      </Text>
      {error && <Text className="invite-error">{error}</Text>}
    </View>
  );
}
