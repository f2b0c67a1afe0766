import { Button, Input, TextArea } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro';
import type { PickupOrder, RewardPickup } from '@linli/api-contract';
import { useState } from 'react';
import { OrderLineProduct } from '../../../components/order-line-product';
import { type VerifyOutcome, useLeaderStore } from '../../../stores/leader-store';
import { ListEnd } from '../list-end';
import { useLeaderGate } from '../not-leader';
import '../leader.scss';
import './index.scss';

const PICKUP_CODE = /^\d{8}$/;

/**
 * The pickup codes in what a leader pasted, one a line or apart by commas or spaces (one code
 * may be written 1234 5678, as the shopper's page shows it), and the pieces that are not one.
 */
function readCodes(text: string): { codes: string[]; malformed: string[] } {
  const codes: string[] = [];
  const malformed: string[] = [];
  for (const piece of text.split(/[\n,，;；、]+/)) {
    const compact = piece.replace(/\s/g, '');
    if (compact === '') continue;
    const tokens = PICKUP_CODE.test(compact) ? [compact] : piece.split(/\s+/).filter(Boolean);
    for (const token of tokens) (PICKUP_CODE.test(token) ? codes : malformed).push(token);
  }
  return { codes: [...new Set(codes)], malformed };
}

function OrderLines({ order }: { order: PickupOrder }) {
  return (
    <View className="verify-order">
      <View className="leader-row">
        <Text>{order.nickname}</Text>
        <Text className="leader-muted">尾号 {order.codeHint}</Text>
      </View>
      {order.lines.map((line) => (
        <View key={line.title} className="leader-row verify-order__line">
          <OrderLineProduct line={line} />
          <Text className="leader-muted">x{line.quantity - line.refundedQuantity}</Text>
        </View>
      ))}
    </View>
  );
}

/** Goods from the rewards mall, handed over like an order. */
function RewardLine({ reward }: { reward: RewardPickup }) {
  return (
    <View className="verify-order verify-reward">
      <View className="leader-row">
        <Text>{reward.nickname}</Text>
        <Text className="leader-muted">积分兑换 · 尾号 {reward.codeHint}</Text>
      </View>
      <View className="leader-row verify-order__line">
        <OrderLineProduct line={{ title: reward.rewardName, image: reward.image }} />
        <Text className="leader-muted">x{reward.quantity}</Text>
      </View>
    </View>
  );
}

function Outcome({ outcome }: { outcome: VerifyOutcome }) {
  if (!outcome.result) {
    return (
      <View className="leader-card verify-error">
        <Text className="leader-card__title">{outcome.input}</Text>
        <Text>{outcome.error}</Text>
      </View>
    );
  }
  return (
    <View className="leader-card verify-result">
      <View className="leader-row">
        <Text className="leader-card__title">{outcome.input}</Text>
        <Text className={outcome.result.alreadyPickedUp ? 'leader-muted' : 'verify-ok'}>
          {outcome.result.alreadyPickedUp ? '已核销过' : '核销成功'}
        </Text>
      </View>
      {outcome.result.orders.map((order) => (
        <OrderLines key={order.id} order={order} />
      ))}
      {outcome.result.rewards.map((reward) => (
        <RewardLine key={reward.id} reward={reward} />
      ))}
    </View>
  );
}

export default function VerifyPage() {
  const {
    readyOrders,
    readyRewards,
    outcomes,
    busy,
    notLeader,
    loading,
    error,
    loadReady,
    loadMoreReady,
    verify,
    verifyMany,
  } = useLeaderStore();
  const [code, setCode] = useState('');
  const [batch, setBatch] = useState('');
  const [batchLeft, setBatchLeft] = useState(0);
  useDidShow(() => void loadReady());
  useReachBottom(() => void loadMoreReady());

  const gate = useLeaderGate(notLeader);
  if (gate) return gate;

  const scan = async () => {
    let scanned: string;
    try {
      scanned = (await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })).result;
    } catch {
      void Taro.showToast({ title: '未扫到，可手动输入提货码', icon: 'none' });
      return;
    }
    // A pickup code's QR holds its 8 digits; a member card's QR holds the member code.
    await verify(PICKUP_CODE.test(scanned) ? { code: scanned } : { memberCode: scanned });
  };

  const submitCode = async () => {
    const outcome = await verify({ code });
    if (outcome.result) setCode('');
  };

  const { codes: batchCodes, malformed } = readCodes(batch);
  // What was not handed over stays in the box, to be checked and tried again.
  const submitBatch = async () => {
    const left = await verifyMany(batchCodes);
    setBatch([...left, ...malformed].join('\n'));
    setBatchLeft(left.length);
  };

  return (
    <View className="page leader-verify">
      <Button className="verify-scan" type="primary" block onClick={() => void scan()}>
        扫码核销（会员码或提货码）
      </Button>
      <View className="leader-card">
        <Text className="leader-card__title">输入提货码</Text>
        <View className="verify-manual">
          <Input
            className="verify-code-input"
            type="digit"
            value={code}
            placeholder="8 位数字"
            maxLength={8}
            onChange={(value) => setCode(value.replace(/\D/g, ''))}
          />
          <Button
            className="verify-submit"
            type="primary"
            loading={busy}
            disabled={!PICKUP_CODE.test(code)}
            onClick={() => void submitCode()}
          >
            核销
          </Button>
        </View>
      </View>
      <View className="leader-card">
        <Text className="leader-card__title">批量核销</Text>
        <TextArea
          className="verify-batch-input"
          value={batch}
          placeholder="每行一个提货码"
          maxLength={900}
          onChange={(value) => {
            setBatch(value);
            setBatchLeft(0);
          }}
        />
        {malformed.length > 0 && (
          <Text className="leader-error verify-batch-malformed">
            {`“${malformed[0]}”${malformed.length > 1 ? ` 等 ${malformed.length} 处` : ''}不是 8 位数字的提货码，不会核销`}
          </Text>
        )}
        {batchLeft > 0 && (
          <Text className="leader-error verify-batch-left">
            {`${batchLeft} 个提货码未核销，已留在框里，核对后再试`}
          </Text>
        )}
        <Button
          className="verify-batch-submit"
          block
          fill="outline"
          loading={busy}
          disabled={batchCodes.length === 0}
          onClick={() => void submitBatch()}
        >
          {batchCodes.length > 0 ? `核销 ${batchCodes.length} 个提货码` : '核销'}
        </Button>
      </View>
      {outcomes.map((outcome, index) => (
        <Outcome key={`${outcomes.length - index}`} outcome={outcome} />
      ))}
      {readyRewards.items.length > 0 && (
        <View className="leader-card verify-ready-rewards">
          <Text className="leader-card__title">
            待领好礼（{readyRewards.items.length}
            {readyRewards.nextCursor ? '+' : ''}）
          </Text>
          {readyRewards.items.map((reward) => (
            <RewardLine key={reward.id} reward={reward} />
          ))}
          <ListEnd list={readyRewards} shown={readyRewards.items.length} />
        </View>
      )}
      <View className="leader-card verify-ready">
        <Text className="leader-card__title">
          待取货（{readyOrders.items.length}
          {readyOrders.nextCursor ? '+' : ''}）
        </Text>
        {!loading && !error && readyOrders.items.length === 0 && (
          <Text className="leader-empty">货都取完了</Text>
        )}
        {readyOrders.items.map((order) => (
          <OrderLines key={order.id} order={order} />
        ))}
        <ListEnd list={readyOrders} shown={readyOrders.items.length} />
      </View>
      {error && <Text className="leader-error">{error}</Text>}
    </View>
  );
}
