import { Image, Text, View } from '@tarojs/components';
import type { OrderLineView } from '@linli/api-contract';
import './order-line-product.scss';

/** An order line's product as a shopper knows it: its picture, when it has one, and its title. */
export function OrderLineProduct({ line }: { line: Pick<OrderLineView, 'title' | 'image'> }) {
  return (
    <View className="order-line-product">
      {line.image && (
        <Image
          className="order-line-product__picture"
          src={line.image}
          mode="aspectFill"
          lazyLoad
        />
      )}
      <Text className="order-line__title">{line.title}</Text>
    </View>
  );
}
