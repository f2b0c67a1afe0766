import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { logInAndComeBack, pageUrl } from '../services/come-back';

/**
 * What a page of the member's own (a shared group-buy, a message about an order) shows before
 * they log in: the way to log in, and back to this page after.
 */
export function LogInFirst({ title }: { title: string }) {
  const { path, params } = useRouter();
  return (
    <View className="page placeholder log-in-first">
      <Text className="placeholder__title">{title}</Text>
      <Button
        className="log-in-first__go"
        type="primary"
        onClick={() => logInAndComeBack(pageUrl(path, params))}
      >
        去登录
      </Button>
    </View>
  );
}
