import { Button, Input } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro';
import { useState } from 'react';
import { fenFromYuan, formatDateTime, yuan } from '../../../services/format';
import { COMMISSION_STATE_LABELS, DECISION_LABELS } from '../../../services/order-labels';
import { useCommissionStore } from '../../../stores/commission-store';
import { LoadFailed } from '../../../components/load-failed';
import { ListEnd } from '../list-end';
import { useLeaderGate } from '../not-leader';
import '../leader.scss';
import './index.scss';

function WithdrawalForm() {
  const { totals, submitting, withdraw } = useCommissionStore();
  const [amount, setAmount] = useState('');
  if (!totals) return null;
  const fen = fenFromYuan(amount);
  const problem =
    amount === ''
      ? null
      : fen === null
        ? '请输入金额，如 12.50'
        : fen < totals.minimumWithdrawal
          ? `最低提现 ${yuan(totals.minimumWithdrawal)}`
          : fen > totals.withdrawable
            ? '超过可提现金额'
            : null;
  const submit = async () => {
    if (fen !== null && (await withdraw(fen))) {
      setAmount('');
      void Taro.showToast({ title: '已提交审核', icon: 'success' });
    }
  };
  return (
    <View className="leader-card">
      <Text className="leader-card__title">提现</Text>
      <View className="withdraw">
        <Input
          className="withdraw-amount"
          type="digit"
          value={amount}
          placeholder={`可提现 ${yuan(totals.withdrawable)}`}
          onChange={(value) => setAmount(value)}
        />
        <Button
          className="withdraw-submit"
          type="primary"
          loading={submitting}
          disabled={fen === null || problem !== null}
          onClick={() => void submit()}
        >
          申请提现
        </Button>
      </View>
      {problem && <Text className="leader-muted withdraw-problem">{problem}</Text>}
    </View>
  );
}

/** Commission by state, the ledger per order and the withdrawals. */
export default function CommissionPage() {
  const {
    totals,
    entries,
    nextCursor,
    withdrawals,
    loading,
    loadingMore,
    notLeader,
    error,
    load,
    loadMore,
    loadMoreWithdrawals,
  } = useCommissionStore();
  useDidShow(() => void load());
  useReachBottom(() => void loadMore());

  const gate = useLeaderGate(notLeader);
  if (gate) return gate;
  if (!totals) {
    return (
      <View className="page placeholder">
        {error ? (
          <LoadFailed message={error} retrying={loading} onRetry={() => void load()} />
        ) : (
          <Text>加载中…</Text>
        )}
      </View>
    );
  }
  return (
    <View className="page leader-commission">
      <View className="leader-card commission-totals">
        <View className="commission-total">
          <Text className="commission-total__value">{yuan(totals.withdrawable)}</Text>
          <Text className="leader-muted">可提现</Text>
        </View>
        <View className="leader-row">
          <Text className="leader-muted">待提货 {yuan(totals.pending)}</Text>
          <Text className="leader-muted">售后期 {yuan(totals.frozen)}</Text>
          <Text className="leader-muted">已提现 {yuan(totals.withdrawn)}</Text>
        </View>
        {totals.withdrawing > 0 && (
          <Text className="leader-muted">审核中 {yuan(totals.withdrawing)}</Text>
        )}
      </View>
      <WithdrawalForm />
      {error && <Text className="leader-error">{error}</Text>}
      {withdrawals.items.length > 0 && (
        <View className="leader-card">
          <Text className="leader-card__title">提现记录</Text>
          {withdrawals.items.map((withdrawal) => (
            <View key={withdrawal.id} className="leader-row withdrawal">
              <Text>
                {yuan(withdrawal.amount)}{' '}
                <Text className="leader-muted">{formatDateTime(withdrawal.createdAt)}</Text>
              </Text>
              <Text className="leader-accent">{DECISION_LABELS[withdrawal.status]}</Text>
            </View>
          ))}
          {withdrawals.nextCursor && (
            <Button
              className="withdrawals-more"
              block
              fill="none"
              size="small"
              loading={withdrawals.loadingMore}
              onClick={() => void loadMoreWithdrawals()}
            >
              查看更早的提现记录
            </Button>
          )}
        </View>
      )}
      <View className="leader-card">
        <Text className="leader-card__title">佣金明细</Text>
        {!loading && entries.length === 0 && (
          <Text className="leader-empty">邻居下单后，佣金会出现在这里</Text>
        )}
        {entries.map((entry) => (
          <View key={entry.id} className="commission-entry">
            <View className="leader-row">
              <Text>{entry.title}</Text>
              <Text>{yuan(entry.amount - entry.cancelled)}</Text>
            </View>
            <View className="leader-row">
              <Text className="leader-muted">{formatDateTime(entry.createdAt)}</Text>
              <Text className="leader-muted">
                {COMMISSION_STATE_LABELS[entry.state]}
                {entry.cancelled > 0 && entry.state !== 'cancelled'
                  ? ` · 退款扣回 ${yuan(entry.cancelled)}`
                  : ''}
              </Text>
            </View>
          </View>
        ))}
        <ListEnd list={{ nextCursor, loadingMore }} shown={entries.length} />
      </View>
    </View>
  );
}
