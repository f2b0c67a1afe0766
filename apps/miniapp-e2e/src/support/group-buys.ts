import { approveLeader, pickupPoints, shopperAt } from './pickup-points';
import { operator, type Stack } from './stack';

type Headers = Record<string, string>;

/**
 * A product with one SKU and a live group-buy of it, as an operator would set them up; with
 * `startsInMs`, a group-buy scheduled to start that much later instead.
 */
export async function liveGroupBuy(
  stack: Stack,
  auth: Headers,
  offer: {
    product: string;
    sku: string;
    priceFen: number;
    title: string;
    groupPriceFen: number;
    perMemberLimit: number;
    minBuyers: number;
    pickupPointIds?: string[];
    startsInMs?: number;
    exclusive?: boolean;
    description?: string;
    images?: string[];
  },
): Promise<{ id: string; pickupDate: string }> {
  const product = await stack.api<{ skus: { id: string }[] }>(
    'POST',
    '/admin/products',
    {
      name: offer.product,
      description: offer.description,
      images: offer.images,
      skus: [{ name: offer.sku, priceFen: offer.priceFen }],
    },
    auth,
  );
  const now = Date.now();
  const pickupDate = new Date(now + 3 * 86_400_000).toISOString().slice(0, 10);
  const campaign = await stack.api<{ id: string }>(
    'POST',
    '/admin/campaigns',
    {
      skuId: product.skus[0].id,
      title: offer.title,
      groupPriceFen: offer.groupPriceFen,
      stock: 50,
      perMemberLimit: offer.perMemberLimit,
      minBuyers: offer.minBuyers,
      startsAt: new Date(now + (offer.startsInMs ?? -3_600_000)).toISOString(),
      cutsOffAt: new Date(now + 86_400_000).toISOString(),
      pickupDate,
      pickupPointIds: offer.pickupPointIds,
      exclusive: offer.exclusive,
    },
    auth,
  );
  await stack.api('POST', `/admin/campaigns/${campaign.id}/publish`, undefined, auth);
  return { id: campaign.id, pickupDate };
}

/** A group-buy of the SKU at the pickup point, on sale from an hour ago for a day: its id. */
export async function groupBuy(
  stack: Stack,
  admin: Headers,
  offer: { skuId: string; title: string; pickupPointId: string },
): Promise<string> {
  const now = Date.now();
  const campaign = await stack.api<{ id: string }>(
    'POST',
    '/admin/campaigns',
    {
      skuId: offer.skuId,
      title: offer.title,
      groupPriceFen: 1_990,
      stock: 50,
      perMemberLimit: 3,
      minBuyers: 1,
      startsAt: new Date(now - 3_600_000).toISOString(),
      cutsOffAt: new Date(now + 86_400_000).toISOString(),
      pickupDate: new Date(now + 3 * 86_400_000).toISOString().slice(0, 10),
      pickupPointIds: [offer.pickupPointId],
    },
    admin,
  );
  await stack.api('POST', `/admin/campaigns/${campaign.id}/publish`, undefined, admin);
  return campaign.id;
}

/** An order of the group-buy placed and paid by a neighbour through the API: its id. */
export async function paidOrder(
  stack: Stack,
  shopper: Headers,
  campaignId: string,
  idempotencyKey: string,
  quantity = 1,
): Promise<string> {
  const order = await stack.api<{ id: string }>(
    'POST',
    '/orders',
    { items: [{ campaignId, quantity }] },
    { ...shopper, 'idempotency-key': idempotencyKey },
  );
  await stack.api('POST', `/orders/${order.id}/pay`, undefined, shopper);
  return order.id;
}

/**
 * The group-buy's cut-off comes (the BFF's clock is not the journey's to move, so the
 * campaign's is), the cut-off job decides it and the operator dispatches its batch: the batch's id.
 */
export async function cutOffAndDispatch(
  stack: Stack,
  admin: Headers,
  campaignId: string,
): Promise<string> {
  await stack.sql(`UPDATE campaigns SET cuts_off_at = now() - interval '1 minute' WHERE id = $1`, [
    campaignId,
  ]);
  await stack.api('POST', '/admin/jobs/cut-off-campaigns/run', undefined, admin);
  const { items } = await stack.api<{ items: { id: string; campaignId: string }[] }>(
    'GET',
    '/admin/deliveries?state=packing&limit=100',
    undefined,
    admin,
  );
  const batch = items.find((b) => b.campaignId === campaignId);
  if (!batch) throw new Error(`no batch is being packed for campaign ${campaignId}`);
  await stack.api('POST', `/admin/deliveries/${batch.id}/dispatch`, undefined, admin);
  return batch.id;
}

/**
 * A neighbour's order picked up, all through the API: a pickup point of its own with its
 * leader, a group-buy of one product there, and the order placed, paid, cut off, delivered and
 * handed over against its pickup code. Answers the order's id.
 */
export async function pickedUpOrder(
  stack: Stack,
  setup: {
    community: string;
    point: { name: string; address: string };
    leader: { name: string; nickname: string };
    product: string;
    sku: string;
    priceFen: number;
    groupPriceFen: number;
    shopper: string;
    quantity?: number;
  },
): Promise<string> {
  const admin = await operator(stack);
  const [pointId] = await pickupPoints(
    stack,
    admin,
    setup.community,
    [{ ...setup.point, latitude: 30.2772, longitude: 120.1276 }],
    { leaders: false },
  );
  const leader = await approveLeader(
    stack,
    admin,
    pointId,
    setup.leader.name,
    setup.leader.nickname,
  );
  const campaign = await liveGroupBuy(stack, admin, {
    product: setup.product,
    sku: setup.sku,
    priceFen: setup.priceFen,
    title: `${setup.product} 团购`,
    groupPriceFen: setup.groupPriceFen,
    perMemberLimit: 3,
    minBuyers: 1,
    pickupPointIds: [pointId],
  });
  const shopper = await shopperAt(stack, setup.shopper, pointId);
  const key = `journey-picked-up-${setup.shopper}`;
  const orderId = await paidOrder(stack, shopper.auth, campaign.id, key, setup.quantity);
  const batchId = await cutOffAndDispatch(stack, admin, campaign.id);
  await stack.api('POST', `/leader/deliveries/${batchId}/receive`, undefined, leader.auth);
  const { pickupCode } = await stack.api<{ pickupCode: string }>(
    'GET',
    `/me/orders/${orderId}`,
    undefined,
    shopper.auth,
  );
  await stack.api(
    'POST',
    '/leader/pickups/verify',
    { code: pickupCode },
    { ...leader.auth, 'idempotency-key': `${key}-pickup` },
  );
  return orderId;
}

/** A coupon an operator creates, valid from an hour ago (or `startsInMs` from now) for `days` days: its id. */
export async function createCoupon(
  stack: Stack,
  admin: Headers,
  coupon: { name: string; amountFen: number; minSpendFen: number },
  days = 30,
  startsInMs = -3_600_000,
): Promise<string> {
  const created = await stack.api<{ id: string }>(
    'POST',
    '/admin/coupons',
    {
      ...coupon,
      kind: 'fixed',
      validFrom: new Date(Date.now() + startsInMs).toISOString(),
      validUntil: new Date(Date.now() + days * 86_400_000).toISOString(),
    },
    admin,
  );
  return created.id;
}
