import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';

/** What a page shows when what it shows could not be loaded: why, and a way to try again. */
export function LoadFailed({
  message,
  retrying = false,
  onRetry,
}: {
  message: string;
  retrying?: boolean;
  onRetry: () => void;
}) {
  return (
    <View className="load-failed">
      <Text className="load-failed__message">{message}</Text>
      <Button className="load-failed__retry" size="small" loading={retrying} onClick={onRetry}>
        重试
      </Button>
    </View>
  );
}

/** A page whose content has not come: 加载中…, or why it failed and 重试. */
export function NotLoaded({
  error,
  loading,
  onRetry,
}: {
  error: string | null;
  loading: boolean;
  onRetry: () => void;
}) {
  return error ? (
    <LoadFailed message={error} retrying={loading} onRetry={onRetry} />
  ) : (
    <Text className="not-loaded">加载中…</Text>
  );
}
