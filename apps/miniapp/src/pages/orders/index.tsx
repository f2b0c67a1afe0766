import { Text, View } from '@tarojs/components';

export default function OrdersPage() {
  return (
    <View className="page">
      <View className="placeholder">
        <Text className="placeholder__title">还没有订单</Text>
        <Text>参加团购后，订单和取货码会出现在这里</Text>
      </View>
    </View>
  );
}
