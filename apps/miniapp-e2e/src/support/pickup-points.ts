import { randomBytes } from 'node:crypto';
import { member, type Stack } from './stack';

type Headers = Record<string, string>;

export interface PlannedPoint {
  name: string;
  address: string;
  latitude: number;
  longitude: number;
}

/** A neighbour logged in through the API at a pickup point: their id and headers. */
export async function shopperAt(
  stack: Stack,
  name: string,
  pickupPointId: string,
): Promise<{ id: string; auth: Headers }> {
  const shopper = await member(stack, name);
  await stack.api('PUT', '/me/pickup-point', { pickupPointId }, shopper.auth);
  return shopper;
}

/** The member `name` applies to run the pickup point and the operator approves. */
export async function approveLeader(
  stack: Stack,
  admin: Headers,
  pickupPointId: string,
  name: string,
  realName = '王阿姨',
): Promise<{ id: string; auth: Headers }> {
  const leader = await member(stack, name);
  const application = await stack.api<{ id: string }>(
    'POST',
    '/leader/applications',
    { pickupPointId, realName, phone: '13812345678' },
    leader.auth,
  );
  await stack.api('POST', `/admin/leader-applications/${application.id}/approve`, {}, admin);
  return leader;
}

/**
 * A community in 杭州 with its pickup points, as an operator sets them up through the admin
 * API; their ids in order. Each point gets a leader, so that shoppers can choose it, unless
 * `leaders` is false.
 */
export async function pickupPoints(
  stack: Stack,
  admin: Headers,
  community: string,
  points: PlannedPoint[],
  { leaders = true }: { leaders?: boolean } = {},
): Promise<string[]> {
  const { id: communityId } = await stack.api<{ id: string }>(
    'POST',
    '/admin/communities',
    { name: community, city: '杭州' },
    admin,
  );
  const ids: string[] = [];
  for (const point of points) {
    const { id } = await stack.api<{ id: string }>(
      'POST',
      '/admin/pickup-points',
      { communityId, openingHours: '08:00-21:00', ...point },
      admin,
    );
    if (leaders) await approveLeader(stack, admin, id, `leader-${randomBytes(4).toString('hex')}`);
    ids.push(id);
  }
  return ids;
}

/**
 * A community with one pickup point, run by a leader who applied for it, was approved and shops
 * there too: the point's id and the leader.
 */
export async function pointLedBy(
  stack: Stack,
  admin: Headers,
  community: string,
  point: PlannedPoint,
  leader: { name: string; realName: string },
): Promise<{ pointId: string; leader: { id: string; auth: Headers } }> {
  const [pointId] = await pickupPoints(stack, admin, community, [point], { leaders: false });
  const led = await approveLeader(stack, admin, pointId, leader.name, leader.realName);
  await stack.api('PUT', '/me/pickup-point', { pickupPointId: pointId }, led.auth);
  return { pointId, leader: led };
}
