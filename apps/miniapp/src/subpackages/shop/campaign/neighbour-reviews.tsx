import { Text, View } from '@tarojs/components';
import type { ProductReview, ProductReviewPage } from '@linli/api-contract';
import { useEffect, useState } from 'react';
import { api } from '../../../services/api';
import { messageFor } from '../../../services/error-messages';
import { formatDate } from '../../../services/format';
import './neighbour-reviews.scss';

const PAGE_SIZE = 5;

const stars = (rating: number) => '★'.repeat(rating) + '☆'.repeat(5 - rating);

/** The average of the ratings counted in byRating (1 to 5 stars), to one decimal. */
function averageRating(byRating: number[]): string {
  const count = byRating.reduce((sum, n) => sum + n, 0);
  const total = byRating.reduce((sum, n, i) => sum + n * (i + 1), 0);
  return count === 0 ? '' : (Math.round((total * 10) / count) / 10).toFixed(1);
}

function Review({ review }: { review: ProductReview }) {
  return (
    <View className="neighbour-review">
      <View className="neighbour-review__head">
        <Text className="neighbour-review__who">{review.reviewer}</Text>
        <Text className="neighbour-review__stars">{stars(review.rating)}</Text>
        <Text className="neighbour-review__date">{formatDate(review.createdAt)}</Text>
      </View>
      {review.text.trim() !== '' && <Text className="neighbour-review__text">{review.text}</Text>}
    </View>
  );
}

/**
 * 邻居评价: what neighbours said of the product a group-buy offers (any group-buy of it), newest
 * first, a few at a time.
 */
export function NeighbourReviews({ campaignId }: { campaignId: string }) {
  const [page, setPage] = useState<ProductReviewPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (cursor?: string) => {
    setLoading(true);
    try {
      const next = await api.campaigns.reviews(campaignId, { limit: PAGE_SIZE, cursor });
      setPage((shown) =>
        cursor && shown ? { ...next, items: [...shown.items, ...next.items] } : next,
      );
      setError(null);
    } catch (failure) {
      setError(messageFor(failure, '评价加载失败'));
    } finally {
      setLoading(false);
    }
  };
  // Each group-buy shown reads its own product's reviews.
  useEffect(() => {
    setPage(null);
    void load();
  }, [campaignId]);

  if (!page)
    return error ? (
      <View className="campaign-detail__card neighbour-reviews">
        <Text className="neighbour-reviews__empty" onClick={() => void load()}>
          {`${error}，点此重试`}
        </Text>
      </View>
    ) : null;
  return (
    <View className="campaign-detail__card neighbour-reviews">
      <View className="neighbour-reviews__head">
        <Text className="campaign-detail__heading">{`邻居评价（${page.count}）`}</Text>
        {page.count > 0 && (
          <Text className="neighbour-reviews__average">{`★ ${averageRating(page.byRating)}`}</Text>
        )}
      </View>
      {page.count === 0 && (
        <Text className="neighbour-reviews__empty">还没有评价，买过的邻居取货后可以来说说</Text>
      )}
      {page.items.map((review) => (
        <Review key={review.id} review={review} />
      ))}
      {error && <Text className="neighbour-reviews__empty">{error}</Text>}
      {page.nextCursor && (
        <Text
          className="neighbour-reviews__more"
          onClick={() => !loading && void load(page.nextCursor ?? undefined)}
        >
          {loading ? '加载中…' : '查看更多评价'}
        </Text>
      )}
    </View>
  );
}
