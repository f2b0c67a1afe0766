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
