import { Text, View } from '@tarojs/components';

export default function IndexPage() {
  return (
    <View className="page">
      <View className="placeholder">
        <Text className="placeholder__title">附近的团购即将上线</Text>
        <Text>选好自提点，就能和邻居一起拼团买好货</Text>
      </View>
    </View>
  );
}
