import { ConfigError } from '../../config/app-config';
import { parseTemplates } from './wechat-subscribe.sender';

describe('WECHAT_SUBSCRIBE_TEMPLATES', () => {
  const template = { templateId: 'tpl-ready', title: 'thing1', body: 'thing2' };

  it('takes a template for each kind of notice it names', () => {
    expect(parseTemplates(JSON.stringify({ order_ready: template }))).toEqual({
      order_ready: template,
    });
  });

  it('refuses a kind of notice that does not exist, naming it', () => {
    // order-ready is not order_ready: its notices would all be skipped without a word.
    expect(() => parseTemplates(JSON.stringify({ 'order-ready': template }))).toThrow(
      new ConfigError(
        'WECHAT_SUBSCRIBE_TEMPLATES.order-ready is not a kind of notice (order_refunded, refund_settled, order_ready, pickup_postponed, order_picked_up, refund_decided, leader_application_decided, tier_changed, points_expiring, birthday_gift, referral_rewarded, referral_reversed, reward_ready, reward_cancelled, coupon_withdrawn, delivery_dispatched, withdrawal_decided)',
      ),
    );
  });
});
