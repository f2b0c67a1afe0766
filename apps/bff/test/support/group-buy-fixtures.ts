import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

const HOUR = 3_600_000;

/** A community with two pickup points, as the shopper-facing group-buy specs need. */
export async function createPickupPoints(t: TestApp): Promise<{ east: string; west: string }> {
  const [community] = await t.dataSource.query(
    `INSERT INTO communities (name, city) VALUES ('阳光花园', '杭州') RETURNING id`,
  );
  const insert = async (name: string) =>
    (
      await t.dataSource.query(
        `INSERT INTO pickup_points (community_id, name, address, latitude, longitude) VALUES ($1, $2, '文三路', 30.27, 120.12) RETURNING id`,
        [community.id, name],
      )
    )[0].id as string;
  return { east: await insert('东门'), west: await insert('西门') };
}

/** A campaign body that is live now, for an admin to post. */
export function liveCampaign(skuId: string, overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    skuId,
    title: `脐橙团 ${randomUUID().slice(0, 4)}`,
    groupPriceFen: 2_990,
    stock: 100,
    perMemberLimit: 3,
    minBuyers: 2,
    startsAt: new Date(now - HOUR).toISOString(),
    cutsOffAt: new Date(now + 24 * HOUR).toISOString(),
    pickupDate: new Date(now + 72 * HOUR).toISOString().slice(0, 10),
    ...overrides,
  };
}
