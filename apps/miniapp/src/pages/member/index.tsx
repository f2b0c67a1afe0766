import { Text, View } from '@tarojs/components';

export default function MemberPage() {
  return (
    <View className="page">
      <View className="placeholder">
        <Text className="placeholder__title">会员中心</Text>
        <Text>会员等级、成长值和专属权益即将上线</Text>
      </View>
    </View>
  );
}
