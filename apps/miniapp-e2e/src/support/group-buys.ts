import type { Stack } from './stack';

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
  },
): Promise<{ id: string; pickupDate: string }> {
  const product = await stack.api<{ skus: { id: string }[] }>(
    'POST',
    '/admin/products',
    { name: offer.product, skus: [{ name: offer.sku, priceFen: offer.priceFen }] },
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
    },
    auth,
  );
  await stack.api('POST', `/admin/campaigns/${campaign.id}/publish`, undefined, auth);
  return { id: campaign.id, pickupDate };
}
