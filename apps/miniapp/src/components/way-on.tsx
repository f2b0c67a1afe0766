import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';

/** What a page shows instead of what it is for: why, and the one way on. */
export function WayOn({
  className,
  title,
  text,
  action,
  actionClassName,
  onAction,
}: {
  className: string;
  title: string;
  text?: string;
  action: string;
  actionClassName: string;
  onAction: () => void;
}) {
  return (
    <View className={`page placeholder ${className}`}>
      <Text className="placeholder__title">{title}</Text>
      {text && <Text>{text}</Text>}
      <Button className={actionClassName} type="primary" onClick={onAction}>
        {action}
      </Button>
    </View>
  );
}
