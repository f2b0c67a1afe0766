import { businessDay } from '@linli/domain';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { hashPassword } from '../modules/admin-auth/password-hash';
import { devOpenid } from '../modules/auth/dev-login';

/** Where the demo's product pictures are served: by the H5 server, beside the app (scripts/demo-media). */
export const DEMO_MEDIA = '/demo-media/';

export const DEMO = {
  community: { id: '0b6f3c1e-0000-4000-8000-000000000001', name: '阳光花园', city: '杭州' },
  pickupPoints: [
    {
      id: '0b6f3c1e-0000-4000-8000-000000000011',
      name: '阳光花园东门自提点',
      address: '杭州市西湖区文三路 88 号阳光花园东门便利店',
      latitude: 30.2772,
      longitude: 120.1276,
      openingHours: '08:00-21:00',
    },
    {
      id: '0b6f3c1e-0000-4000-8000-000000000012',
      name: '阳光花园西门自提点',
      address: '杭州市西湖区文三路 96 号阳光花园西门水果店',
      latitude: 30.2768,
      longitude: 120.1241,
      openingHours: '09:00-20:30',
    },
  ],
  leader: {
    id: '0b6f3c1e-0000-4000-8000-000000000101',
    name: 'leader',
    nickname: '王团长',
    inviteCode: 'LEADER01',
  },
  shoppers: [
    {
      id: '0b6f3c1e-0000-4000-8000-000000000201',
      name: 'alice',
      nickname: 'alice',
      inviteCode: 'ALICE001',
    },
    {
      id: '0b6f3c1e-0000-4000-8000-000000000202',
      name: 'bob',
      nickname: 'bob',
      inviteCode: 'BOB00001',
    },
    {
      id: '0b6f3c1e-0000-4000-8000-000000000203',
      name: 'carol',
      nickname: 'carol',
      inviteCode: 'CAROL001',
    },
  ],
  admin: { username: 'admin', password: 'linli-demo-admin' },
  /** 满 30 减 5, in alice's and bob's 我的优惠券, and for 300 points in the 积分商城. */
  coupon: { id: '0b6f3c1e-0000-4000-8000-000000000401', name: '满 30 减 5' },
  reward: { id: '0b6f3c1e-0000-4000-8000-000000000411', name: '满 30 减 5 优惠券' },
  /** Goods for 500 points, collected at the member's pickup point. */
  goodsReward: {
    id: '0b6f3c1e-0000-4000-8000-000000000412',
    name: '环保购物袋',
    image: `${DEMO_MEDIA}bag.svg`,
  },
  products: [
    {
      id: '0b6f3c1e-0000-4000-8000-000000000301',
      skuId: '0b6f3c1e-0000-4000-8000-000000000311',
      campaignId: '0b6f3c1e-0000-4000-8000-000000000321',
      name: '赣南脐橙',
      image: `${DEMO_MEDIA}orange.svg`,
      description: '果园直发，酸甜多汁',
      sku: '5斤装',
      listFen: 3_990,
      groupFen: 2_990,
      tierPrices: { gold: 2_690, diamond: 2_490 },
      stock: 200,
    },
    {
      id: '0b6f3c1e-0000-4000-8000-000000000302',
      skuId: '0b6f3c1e-0000-4000-8000-000000000312',
      campaignId: '0b6f3c1e-0000-4000-8000-000000000322',
      name: '散养土鸡蛋',
      image: `${DEMO_MEDIA}eggs.svg`,
      description: '山林散养，30 枚装',
      sku: '30枚',
      listFen: 3_200,
      groupFen: 2_490,
      tierPrices: {},
      stock: 120,
    },
    {
      id: '0b6f3c1e-0000-4000-8000-000000000303',
      skuId: '0b6f3c1e-0000-4000-8000-000000000313',
      campaignId: '0b6f3c1e-0000-4000-8000-000000000323',
      name: '有机菠菜',
      image: `${DEMO_MEDIA}spinach.svg`,
      description: '当天采摘，500 克',
      sku: '500g',
      listFen: 880,
      groupFen: 590,
      tierPrices: {},
      stock: 80,
    },
  ],
} as const;

const DAY_MS = 86_400_000;

/**
 * Demo data, safe to apply again and again: rows are keyed by fixed ids and never duplicated.
 * Never in production: without ADMIN_PASSWORD it opens the admin account with the password
 * above, which the README gives to anyone.
 */
export async function seedDemo(
  dataSource: DataSource,
  config: Pick<AppConfig, 'NODE_ENV' | 'ADMIN_USERNAME' | 'ADMIN_PASSWORD'>,
): Promise<void> {
  if (config.NODE_ENV === 'production') throw new Error('The demo data is not for production');
  await dataSource.transaction(async (manager) => {
    const { community, pickupPoints, leader, shoppers } = DEMO;
    await manager.query(
      `INSERT INTO communities (id, name, city) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [community.id, community.name, community.city],
    );
    for (const person of [leader, ...shoppers]) {
      await manager.query(
        `INSERT INTO members (id, openid, nickname, invite_code) VALUES ($1, $2, $3, $4)
         ON CONFLICT (openid) DO NOTHING`,
        [person.id, devOpenid(person.name), person.nickname, person.inviteCode],
      );
    }
    for (const [index, point] of pickupPoints.entries()) {
      await manager.query(
        `INSERT INTO pickup_points (id, community_id, name, address, latitude, longitude, opening_hours, leader_member_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [
          point.id,
          community.id,
          point.name,
          point.address,
          point.latitude,
          point.longitude,
          point.openingHours,
          index === 0 ? leader.id : null,
        ],
      );
    }
    await manager.query(
      `UPDATE members SET pickup_point_id = $1 WHERE id = ANY($2::uuid[]) AND pickup_point_id IS NULL`,
      [pickupPoints[0].id, shoppers.slice(0, 2).map((s) => s.id)],
    );
    // Live group-buys to buy from at once; each start of the demo keeps them open two more days.
    const now = Date.now();
    const cutOff = new Date(now + 2 * DAY_MS);
    for (const product of DEMO.products) {
      await manager.query(
        `INSERT INTO products (id, name, description, images) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET images = EXCLUDED.images WHERE products.images = '[]'::jsonb`,
        [product.id, product.name, product.description, JSON.stringify([product.image])],
      );
      await manager.query(
        `INSERT INTO skus (id, product_id, name, price_fen) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [product.skuId, product.id, product.sku, product.listFen],
      );
      await manager.query(
        `INSERT INTO campaigns (id, sku_id, title, group_price_fen, tier_prices, stock_total, stock_left, per_member_limit,
           min_buyers, starts_at, cuts_off_at, pickup_date, status)
         VALUES ($1, $2, $3, $4, $5, $6, $6, 5, 3, $7, $8, $9, 'published')
         ON CONFLICT (id) DO UPDATE SET cuts_off_at = GREATEST(campaigns.cuts_off_at, EXCLUDED.cuts_off_at),
           pickup_date = GREATEST(campaigns.pickup_date, EXCLUDED.pickup_date)
         WHERE campaigns.status = 'published'`,
        [
          product.campaignId,
          product.skuId,
          `${product.name} ${product.sku} 团购`,
          product.groupFen,
          JSON.stringify(product.tierPrices),
          product.stock,
          new Date(now - DAY_MS),
          cutOff,
          businessDay(new Date(cutOff.getTime() + DAY_MS)),
        ],
      );
    }
    // The coupon stays valid for 30 days from each start of the demo.
    await manager.query(
      `INSERT INTO coupons (id, name, kind, amount_fen, percent_off_bps, min_spend_fen, valid_from, valid_until)
       VALUES ($1, $2, 'fixed', 500, 0, 3000, $3, $4)
       ON CONFLICT (id) DO UPDATE SET valid_until = GREATEST(coupons.valid_until, EXCLUDED.valid_until)`,
      [DEMO.coupon.id, DEMO.coupon.name, new Date(now - DAY_MS), new Date(now + 30 * DAY_MS)],
    );
    await manager.query(
      `INSERT INTO member_coupons (coupon_id, member_id, issue_key)
       SELECT $1, id, 'demo' FROM unnest($2::uuid[]) AS id ON CONFLICT (member_id, issue_key) DO NOTHING`,
      [DEMO.coupon.id, shoppers.slice(0, 2).map((s) => s.id)],
    );
    await manager.query(
      `INSERT INTO rewards (id, name, description, coupon_id, points_cost, stock_total, stock_left, per_member_limit)
       VALUES ($1, $2, '下单满 30 元可用', $3, 300, 100, 100, 2) ON CONFLICT (id) DO NOTHING`,
      [DEMO.reward.id, DEMO.reward.name, DEMO.coupon.id],
    );
    await manager.query(
      `INSERT INTO rewards (id, kind, name, description, image, points_cost, stock_total, stock_left, per_member_limit)
       VALUES ($1, 'goods', $2, '到货后凭提货码到自提点领取', $3, 500, 50, 50, 1) ON CONFLICT (id) DO NOTHING`,
      [DEMO.goodsReward.id, DEMO.goodsReward.name, DEMO.goodsReward.image],
    );
    const username = config.ADMIN_USERNAME ?? DEMO.admin.username;
    const password = config.ADMIN_PASSWORD ?? DEMO.admin.password;
    await manager.query(
      `INSERT INTO admin_users (username, password_hash) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING`,
      [username, await hashPassword(password)],
    );
  });
}
