import { Button, Rate, TextArea } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { OrderLineView, OrderView } from '@linli/api-contract';
import { useState } from 'react';
import { OrderLineProduct } from '../../../components/order-line-product';
import { useOrdersStore } from '../../../stores/orders-store';

const stars = (rating: number) => '★'.repeat(rating) + '☆'.repeat(5 - rating);

function ReviewForm({ line, onDone }: { line: OrderLineView; onDone(): void }) {
  const { submitting, review } = useOrdersStore();
  const [rating, setRating] = useState(5);
  const [text, setText] = useState('');
  const submit = async () => {
    const written = await review(line.id, rating, text.trim());
    if (!written) return;
    onDone();
    const earned = written.pointsAwarded > 0 ? ` +${written.pointsAwarded} 积分` : '';
    void Taro.showToast({ title: `评价成功${earned}`, icon: 'none' });
  };
  return (
    <View className="review-form">
      <Rate
        className="review-rating"
        value={rating}
        min={1}
        onChange={(value) => setRating(value)}
      />
      <TextArea
        className="review-text"
        value={text}
        placeholder="说说这次的商品怎么样，给邻居们参考"
        maxLength={500}
        onChange={(value) => setText(value)}
      />
      <Button
        className="review-submit"
        type="primary"
        block
        loading={submitting}
        disabled={text.trim().length === 0}
        onClick={() => void submit()}
      >
        提交评价
      </Button>
    </View>
  );
}

/**
 * 评价: each line picked up and kept, once; a review earns points. Lines refunded whole have
 * nothing left to review.
 */
export function Reviews({ order }: { order: OrderView }) {
  const [open, setOpen] = useState<string | null>(null);
  const lines = order.lines.filter((l) => l.review || l.refundedQuantity < l.quantity);
  if (!order.pickedUpAt || lines.length === 0) return null;
  return (
    <View className="order-card reviews">
      <Text className="order-card__title">评价</Text>
      {lines.map((line) => (
        <View key={line.id} className="review-line">
          <View className="order-row">
            <OrderLineProduct line={line} />
            {line.review ? (
              <Text className="review-stars">{stars(line.review.rating)}</Text>
            ) : (
              open !== line.id && (
                <Text className="review-open" onClick={() => setOpen(line.id)}>
                  写评价得积分
                </Text>
              )
            )}
          </View>
          {line.review && <Text className="review-shown">{line.review.text}</Text>}
          {!line.review && open === line.id && (
            <ReviewForm line={line} onDone={() => setOpen(null)} />
          )}
        </View>
      ))}
    </View>
  );
}
