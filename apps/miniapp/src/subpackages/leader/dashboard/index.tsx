import { Button, Cell } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import type { LeaderDashboard } from '@linli/api-contract';
import { NotLoaded } from '../../../components/load-failed';
import { useOpenPage } from '../../../hooks/use-open-page';
import { yuan } from '../../../services/format';
import { DELIVERY_STATE_LABELS } from '../../../services/order-labels';
import { useLeaderStore } from '../../../stores/leader-store';
import { useLeaderGate } from '../not-leader';
import '../leader.scss';
import './index.scss';

function Figure({ value, label }: { value: string | number; label: string }) {
  return (
    <View className="figure">
      <Text className="figure__value">{value}</Text>
      <Text className="leader-muted">{label}</Text>
    </View>
  );
}

/** What 到货确认 has for the leader: batches to receive and goods from the rewards mall to confirm. */
function arrivals({ openBatches, rewardsArriving }: LeaderDashboard): string {
  const waiting = [
    openBatches.length > 0 ? `${openBatches.length} 批待收` : null,
    rewardsArriving > 0 ? `${rewardsArriving} 件好礼待到` : null,
  ].filter(Boolean);
  return waiting.length > 0 ? waiting.join(' · ') : '查看';
}

export default function LeaderDashboardPage() {
  const { dashboard, notLeader, loading, error, loadDashboard } = useLeaderStore();
  useDidShow(() => void loadDashboard());
  usePullDownRefresh(() => void loadDashboard().finally(() => Taro.stopPullDownRefresh()));
  // One page opened per tap, however quickly the leader taps again.
  const openPage = useOpenPage();
  const go = (page: string) => () => openPage(`/subpackages/leader/${page}/index`);

  const gate = useLeaderGate(notLeader);
  if (gate) return gate;
  if (!dashboard) {
    return (
      <View className="page placeholder">
        <NotLoaded error={error} loading={loading} onRetry={() => void loadDashboard()} />
      </View>
    );
  }
  const { commission } = dashboard;
  return (
    <View className="page leader-dashboard">
      <View className="leader-card">
        <Text className="leader-card__title">{dashboard.pickupPointName}</Text>
        <View className="figures">
          <Figure value={dashboard.readyForPickup} label="待取货" />
          <Figure value={dashboard.pickedUpToday} label="今日已取" />
          <Figure value={dashboard.liveCampaigns} label="进行中团购" />
          <Figure value={dashboard.deliveringCampaigns} label="配送中团购" />
        </View>
        {dashboard.rewardsReady + dashboard.rewardsArriving > 0 && (
          <Text className="leader-muted dashboard-rewards">
            {`积分好礼：${dashboard.rewardsReady} 件待领取 · ${dashboard.rewardsArriving} 件待到货`}
          </Text>
        )}
      </View>
      <Button className="dashboard-verify" type="primary" block onClick={go('verify')}>
        核销提货
      </Button>
      <Cell.Group>
        <Cell title="分拣单" extra="按团购分拣" clickable onClick={go('pick-lists')} />
        <Cell
          className="dashboard-deliveries"
          title="到货确认"
          extra={arrivals(dashboard)}
          clickable
          onClick={go('deliveries')}
        />
        <Cell
          className="dashboard-commission"
          title="我的佣金"
          extra={`可提现 ${yuan(commission.withdrawable)}`}
          clickable
          onClick={go('commission')}
        />
      </Cell.Group>
      {dashboard.openBatches.length > 0 && (
        <View className="leader-card">
          <Text className="leader-card__title">待收货批次</Text>
          {dashboard.openBatches.map((batch) => (
            <View key={batch.id} className="leader-row">
              <Text>
                {batch.title} · {batch.quantity} 件
              </Text>
              <Text className="leader-accent">{DELIVERY_STATE_LABELS[batch.state]}</Text>
            </View>
          ))}
        </View>
      )}
      <View className="leader-card">
        <Text className="leader-card__title">佣金</Text>
        <View className="figures">
          <Figure value={yuan(commission.pending)} label="待提货" />
          <Figure value={yuan(commission.frozen)} label="售后期" />
          <Figure value={yuan(commission.withdrawable)} label="可提现" />
        </View>
      </View>
      {error && <Text className="leader-error">{error}</Text>}
    </View>
  );
}
