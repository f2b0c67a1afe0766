import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';

/** What a leader page shows a member who leads no pickup point. */
export function NotLeader() {
  return (
    <View className="page placeholder not-leader">
      <Text className="placeholder__title">你还不是团长</Text>
      <Text>团长负责自提点的收货、分拣和核销</Text>
      <Button
        className="leader-apply-link"
        type="primary"
        onClick={() => void Taro.redirectTo({ url: '/subpackages/leader/apply/index' })}
      >
        申请成为团长
      </Button>
    </View>
  );
}
