import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useDidShow, useReachBottom } from '@tarojs/taro';
import type { PointsEntry, PointsEntryType } from '@linli/api-contract';
import { LoadFailed } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { useOpenPage } from '../../../hooks/use-open-page';
import { useAuthStore } from '../../../stores/auth-store';
import { usePointsStore } from '../../../stores/points-store';
import { formatDate, formatDateTime } from '../../../services/format';
import './index.scss';

const FILTERS: { type: PointsEntryType | null; label: string }[] = [
  { type: null, label: '全部' },
  { type: 'earn', label: '获得' },
  { type: 'spend', label: '使用' },
  { type: 'return', label: '退回' },
  { type: 'expire', label: '过期' },
  { type: 'clawback', label: '扣回' },
  { type: 'adjust', label: '调整' },
];

const ENTRY_LABELS: Record<PointsEntryType, string> = {
  earn: '奖励获得',
  spend: '抵扣使用',
  return: '退款退回',
  expire: '积分过期',
  clawback: '退款扣回',
  adjust: '平台调整',
};

/** Entries whose source says more than their type: an order's points, the rewards mall's. */
const SOURCE_LABELS: Partial<Record<PointsEntryType, Record<string, string>>> = {
  earn: { order: '购物获得' },
  spend: { redemption: '积分兑换' },
  return: { redemption: '兑换取消退回' },
};

/**
 * Points earned by an order, spent in the rewards mall or given back when goods from it are
 * taken back say so; the others (gifts, rewards) go by their type. Points still on their way
 * (an order's, or an invite's, until the order completes) say that too (待到账).
 */
function entryLabel(entry: PointsEntry): string {
  if (entry.pending && entry.type !== 'earn') return '待到账积分取消';
  const label = SOURCE_LABELS[entry.type]?.[entry.sourceType] ?? ENTRY_LABELS[entry.type];
  return entry.pending ? `${label}（待到账）` : label;
}

function EntryRow({ entry }: { entry: PointsEntry }) {
  return (
    <View className="points-entry">
      <View className="points-entry__main">
        <Text className="points-entry__title">{entryLabel(entry)}</Text>
        {entry.reason && <Text className="points-entry__reason">{entry.reason}</Text>}
        <Text className="points-entry__time">{formatDateTime(entry.createdAt)}</Text>
      </View>
      <Text
        className={`points-entry__amount ${entry.pending ? 'is-pending' : entry.amount > 0 ? 'is-credit' : 'is-debit'}`}
      >
        {entry.amount > 0 ? `+${entry.amount}` : entry.amount}
      </Text>
    </View>
  );
}

export default function PointsWalletPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const store = usePointsStore();
  const openPage = useOpenPage();
  const {
    wallet,
    walletError,
    entries,
    filter,
    nextCursor,
    entriesLoading,
    loadingMore,
    entriesError,
  } = store;

  useDidShow(() => {
    if (!loggedIn) return;
    void store.loadWallet();
    void store.showEntries(filter);
  });
  useReachBottom(() => {
    if (loggedIn) void store.loadMore();
  });

  if (!loggedIn) return <LogInFirst title="登录后查看积分" />;

  return (
    <View className="points">
      <View className="points-balance">
        <Text className="points-balance__label">可用积分</Text>
        <Text className="points-balance__available">{wallet ? wallet.available : '--'}</Text>
        <View className="points-balance__row">
          <Text className="points-balance__pending">待到账 {wallet?.pending ?? '--'}</Text>
          <Text className="points-balance__lifetime">
            累计获得 {wallet?.lifetimeEarned ?? '--'}
          </Text>
        </View>
        <View className="points-links">
          <Text
            className="points-check-in-link"
            onClick={() => openPage('/subpackages/member/check-in/index')}
          >
            每日签到领积分 ›
          </Text>
          <Text
            className="points-rewards-link"
            onClick={() => openPage('/subpackages/member/rewards/index')}
          >
            积分商城 ›
          </Text>
        </View>
        {walletError && (
          <LoadFailed message={walletError} onRetry={() => void store.loadWallet()} />
        )}
      </View>

      {wallet && wallet.expiringSoon.length > 0 && (
        <View className="points-expiring">
          {wallet.expiringSoon.map((e) => (
            <Text key={e.expiresAt} className="points-expiring__item">
              {e.points} 积分将于 {formatDate(e.expiresAt)} 过期，记得使用哦
            </Text>
          ))}
        </View>
      )}

      <View className="chips points-filters">
        {FILTERS.map((f) => (
          <Text
            key={f.label}
            className={`chip points-filter ${filter === f.type ? 'is-active' : ''}`}
            onClick={() => void store.showEntries(f.type)}
          >
            {f.label}
          </Text>
        ))}
      </View>

      <View className="points-history">
        {entries.map((entry) => (
          <EntryRow key={entry.id} entry={entry} />
        ))}
        {entriesLoading && <Text className="points-hint">加载中…</Text>}
        {!entriesLoading && !entriesError && entries.length === 0 && (
          <Text className="points-hint points-empty">
            {filter === null
              ? '还没有积分记录，参加团购就能赚积分'
              : `暂无${FILTERS.find((f) => f.type === filter)?.label}记录`}
          </Text>
        )}
        {entriesError && (
          <View className="points-hint">
            <Text className="points-error">{entriesError}</Text>
            <Button size="small" onClick={() => void store.showEntries(filter)}>
              重试
            </Button>
          </View>
        )}
        {loadingMore && <Text className="points-hint">加载更多…</Text>}
        {!entriesLoading && entries.length > 0 && !nextCursor && (
          <Text className="points-hint">没有更多了</Text>
        )}
      </View>
    </View>
  );
}
