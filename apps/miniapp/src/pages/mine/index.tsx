import { Button, Cell, Input } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { MEMBER_TIER_NAMES } from '@linli/shared';
import { useState } from 'react';
import { useOpenPage } from '../../hooks/use-open-page';
import { comeBack } from '../../services/come-back';
import { devLoginEnabled, useAuthStore } from '../../stores/auth-store';
import { useNotificationsStore } from '../../stores/notifications-store';
import { useUnreadBadge } from '../../hooks/use-unread-badge';
import { BirthdayCell } from './birthday-cell';
import './index.scss';

const MEMBER_LINKS = {
  points: {
    className: 'mine-points-link',
    title: '我的积分',
    extra: '查看',
    url: '/subpackages/member/points/index',
  },
  coupons: {
    className: 'mine-coupons-link',
    title: '我的优惠券',
    extra: '下单立减',
    url: '/subpackages/member/coupons/index',
  },
  checkIn: {
    className: 'mine-check-in-link',
    title: '每日签到',
    extra: '连续签到领积分',
    url: '/subpackages/member/check-in/index',
  },
  invite: {
    className: 'mine-invite-link',
    title: '邀请有礼',
    extra: '邀请邻居得积分',
    url: '/subpackages/member/invite/index',
  },
  notifications: {
    className: 'mine-notifications-link',
    title: '消息通知',
    extra: '退款 · 到货 · 取货',
    url: '/subpackages/member/notifications/index',
  },
  leader: {
    className: 'mine-leader-link',
    title: '团长工作台',
    extra: '核销 · 分拣 · 佣金',
    url: '/subpackages/leader/dashboard/index',
  },
  apply: {
    className: 'mine-apply-link',
    title: '申请成为团长',
    extra: '为邻居服务',
    url: '/subpackages/leader/apply/index',
  },
};

/** Leaders open their workbench; everyone else may apply to become one. */
const leaderLink = (roles: string[] | undefined) =>
  roles?.includes('leader') ? MEMBER_LINKS.leader : MEMBER_LINKS.apply;

export default function MinePage() {
  const { member, accessToken, loading, error, login, loadMe, logout } = useAuthStore();
  const [name, setName] = useState('alice');
  const openPage = useOpenPage();
  const unread = useUnreadBadge();
  const loadUnread = useNotificationsStore((s) => s.loadUnread);

  useDidShow(() => {
    if (accessToken) void loadMe();
  });

  const logIn = async () => {
    await login(devLoginEnabled ? name : undefined);
    if (!useAuthStore.getState().accessToken) return;
    void loadUnread();
    comeBack();
  };

  if (member && accessToken) {
    return (
      <View className="page mine">
        <View className="mine-card">
          <View className="mine-avatar">{member.nickname.slice(0, 1)}</View>
          <View className="mine-who">
            <Text className="mine-nickname">{member.nickname}</Text>
            <Text className="mine-tier">{MEMBER_TIER_NAMES[member.tier]}</Text>
          </View>
        </View>
        <Cell.Group>
          {[
            MEMBER_LINKS.points,
            MEMBER_LINKS.coupons,
            MEMBER_LINKS.checkIn,
            MEMBER_LINKS.invite,
            MEMBER_LINKS.notifications,
            leaderLink(member.roles),
          ].map((link) => (
            <Cell
              key={link.className}
              className={link.className}
              title={link.title}
              extra={
                link === MEMBER_LINKS.notifications && unread > 0 ? (
                  <Text className="mine-unread">{`${unread} 条新消息`}</Text>
                ) : (
                  link.extra
                )
              }
              clickable
              onClick={() => openPage(link.url)}
            />
          ))}
          <BirthdayCell />
        </Cell.Group>
        {error && <Text className="mine-error">{error}</Text>}
        <Button className="mine-logout" block fill="outline" onClick={logout}>
          退出登录
        </Button>
      </View>
    );
  }

  return (
    <View className="page mine">
      <View className="mine-welcome">
        <Text className="mine-welcome__title">欢迎来到邻里</Text>
        <Text className="mine-welcome__text">登录后查看会员等级、积分和订单</Text>
      </View>
      {devLoginEnabled && (
        <Input
          className="mine-name-input"
          value={name}
          placeholder="输入昵称"
          maxLength={32}
          onChange={(value) => setName(value)}
        />
      )}
      {error && <Text className="mine-error">{error}</Text>}
      <Button
        className="mine-login"
        type="primary"
        block
        loading={loading}
        disabled={devLoginEnabled && !name.trim()}
        onClick={() => void logIn()}
      >
        {devLoginEnabled ? '登录' : '微信一键登录'}
      </Button>
    </View>
  );
}
