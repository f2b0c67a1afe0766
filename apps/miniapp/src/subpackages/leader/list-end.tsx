import { Text } from '@tarojs/components';

/** The foot of a list read a page at a time: more to come as the leader scrolls, or the end. */
export function ListEnd({
  list,
  shown,
}: {
  list: { nextCursor: string | null; loadingMore: boolean };
  shown: number;
}) {
  if (list.nextCursor)
    return <Text className="leader-empty">{list.loadingMore ? '加载中…' : '上拉加载更多'}</Text>;
  return shown > 0 ? <Text className="leader-empty leader-end">没有更多了</Text> : null;
}
