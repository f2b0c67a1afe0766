import type {
  DeliveryBatch,
  LeaderApplication,
  LeaderApplicationRequest,
  LeaderDashboard,
  PickList,
  PickupOrder,
  NearbyPickupPoint,
  RewardPickup,
  VerifyPickupRequest,
  VerifyPickupResponse,
} from '@linli/api-contract';
import { ApiError } from '@linli/api-client';
import { ErrorCode } from '@linli/shared';
import { create } from 'zustand';
import { api } from '../services/api';
import { isForbidden, isRateLimited, messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';
import { newIdempotencyKey } from '../services/idempotency-key';
import { whereAmI } from '../services/location';
import { emptyList, type ListReader, type PagedList, pagedList } from './paged-list';

const PAGE_SIZE = 20;
/**
 * The key of each pickup verification sent and not answered with success, by what it asks:
 * tried again after a lost answer, it gets that answer (handed over just now), not 已核销过 as
 * for goods taken long ago.
 */
const unansweredVerifications = new Map<string, string>();

/** One verification the leader made, newest first on the verify page. */
export interface VerifyOutcome {
  input: string;
  result: VerifyPickupResponse | null;
  error: string | null;
  /** The BFF pauses the leader's verifications for a while (too many wrong codes). */
  paused: boolean;
}

interface LeaderState {
  dashboard: LeaderDashboard | null;
  /** The caller leads no pickup point: the pages offer the application instead. */
  notLeader: boolean;
  /** Orders waiting at the point, longest waiting first. */
  readyOrders: PagedList<PickupOrder>;
  /** Goods from the rewards mall waiting at the point, longest waiting first. */
  readyRewards: PagedList<RewardPickup>;
  outcomes: VerifyOutcome[];
  /** One list per batch of the point, newest first. */
  pickLists: PagedList<PickList>;
  /** The point's batches, newest first. */
  deliveries: PagedList<DeliveryBatch>;
  /** Goods from the rewards mall on their way to the point, oldest first. */
  arrivingRewards: PagedList<RewardPickup>;
  applications: LeaderApplication[];
  /** Whether the caller's applications have been read: until then the page cannot say what to offer. */
  applicationsRead: boolean;
  /** Pickup points near the caller that still need a leader: what an application can be for. */
  vacantPoints: NearbyPickupPoint[];
  /** WeChat keeps the caller's location from the app: no vacant points can be found near them. */
  locationNeeded: boolean;
  loading: boolean;
  busy: boolean;
  error: string | null;
  loadDashboard(): Promise<void>;
  /** What waits at the point to be collected: orders and goods from the rewards mall. */
  loadReady(): Promise<void>;
  loadMoreReady(): Promise<void>;
  /** Verifies one pickup code or member code; the outcome is kept for the leader to read. */
  verify(request: VerifyPickupRequest): Promise<VerifyOutcome>;
  /**
   * Verifies several pickup codes one after another, each with its own outcome, until the BFF
   * pauses the leader; returns the codes not verified, those it never got to included.
   */
  verifyMany(codes: string[]): Promise<string[]>;
  loadPickLists(): Promise<void>;
  loadMorePickLists(): Promise<void>;
  loadDeliveries(): Promise<void>;
  loadMoreDeliveries(): Promise<void>;
  loadMoreArrivingRewards(): Promise<void>;
  receive(batchId: string): Promise<boolean>;
  /**
   * The goods of a redemption have arrived; its member is told. The redemption as it is now
   * (cancelled, if the member took it back meanwhile), or null when it failed.
   */
  rewardArrived(redemptionId: string): Promise<RewardPickup | null>;
  /** The caller's applications and the nearby points a new one could be for. */
  loadApplications(): Promise<void>;
  apply(request: LeaderApplicationRequest): Promise<boolean>;
}

/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<
  LeaderState,
  | 'dashboard'
  | 'notLeader'
  | 'readyOrders'
  | 'readyRewards'
  | 'outcomes'
  | 'pickLists'
  | 'deliveries'
  | 'arrivingRewards'
  | 'applications'
  | 'applicationsRead'
  | 'vacantPoints'
  | 'locationNeeded'
  | 'loading'
  | 'busy'
  | 'error'
> = {
  dashboard: null,
  notLeader: false,
  readyOrders: emptyList(),
  readyRewards: emptyList(),
  outcomes: [],
  pickLists: emptyList(),
  deliveries: emptyList(),
  arrivingRewards: emptyList(),
  applications: [],
  applicationsRead: false,
  vacantPoints: [],
  locationNeeded: false,
  loading: false,
  busy: false,
  error: null,
};

const readyOrders: ListReader = pagedList(
  (cursor) => api.leader.pickups({ limit: PAGE_SIZE, cursor }),
  () => useLeaderStore.getState().readyOrders,
  (list) => useLeaderStore.setState({ readyOrders: list }),
);
const readyRewards: ListReader = pagedList(
  (cursor) => api.leader.rewardPickups({ state: 'ready_for_pickup', limit: PAGE_SIZE, cursor }),
  () => useLeaderStore.getState().readyRewards,
  (list) => useLeaderStore.setState({ readyRewards: list }),
);
const arrivingRewards: ListReader = pagedList(
  (cursor) => api.leader.rewardPickups({ limit: PAGE_SIZE, cursor }),
  () => useLeaderStore.getState().arrivingRewards,
  (list) => useLeaderStore.setState({ arrivingRewards: list }),
);
const pickLists: ListReader = pagedList(
  (cursor) => api.leader.pickLists({ limit: PAGE_SIZE, cursor }),
  () => useLeaderStore.getState().pickLists,
  (list) => useLeaderStore.setState({ pickLists: list }),
);
const deliveries: ListReader = pagedList(
  (cursor) => api.leader.deliveries({ limit: PAGE_SIZE, cursor }),
  () => useLeaderStore.getState().deliveries,
  (list) => useLeaderStore.setState({ deliveries: list }),
);

export const useLeaderStore = create<LeaderState>()((set, get) => {
  /** Runs one read, keeping its failure as the page's error (or as "not a leader"). */
  async function read(work: () => Promise<Partial<LeaderState>>, fallback: string) {
    set({ loading: true });
    try {
      set({ ...(await work()), loading: false, notLeader: false, error: null });
    } catch (error) {
      set({ loading: false, notLeader: isForbidden(error), error: messageFor(error, fallback) });
    }
  }

  /** Reads lists from their first page, as `read` does. */
  const readFirst = (lists: ListReader[], fallback: string) =>
    read(async () => {
      await Promise.all(lists.map((list) => list.load()));
      return {};
    }, fallback);

  /** Reads the next page of lists, keeping a failure as the page's error. */
  async function readMore(lists: ListReader[], fallback: string) {
    try {
      await Promise.all(lists.map((list) => list.loadMore()));
    } catch (error) {
      set({ error: messageFor(error, fallback) });
    }
  }

  return {
    ...EMPTY,

    loadDashboard: () =>
      read(async () => ({ dashboard: await api.leader.dashboard() }), '工作台加载失败'),

    loadReady: () => readFirst([readyOrders, readyRewards], '加载失败'),

    loadMoreReady: () => readMore([readyOrders, readyRewards], '加载失败'),

    async verify(request) {
      const input = request.code ?? '会员码';
      set({ busy: true });
      let outcome: VerifyOutcome;
      const asked = JSON.stringify(request);
      const key = unansweredVerifications.get(asked) ?? newIdempotencyKey();
      unansweredVerifications.set(asked, key);
      try {
        const result = await api.leader.verify(request, key);
        unansweredVerifications.delete(asked);
        outcome = { input, result, error: null, paused: false };
      } catch (error) {
        // The key is kept whatever the failure: a refusal stored nothing under it, and an answer
        // a gateway replaced (a 502 or 504 page) may hide goods handed over just now.
        outcome = {
          input,
          result: null,
          error: messageFor(error, '核销失败，请重试'),
          paused: isRateLimited(error),
        };
      }
      set((state) => ({ busy: false, outcomes: [outcome, ...state.outcomes].slice(0, 20) }));
      if (outcome.result) void get().loadReady();
      return outcome;
    },

    async verifyMany(codes) {
      const left: string[] = [];
      for (const [index, code] of codes.entries()) {
        const outcome = await get().verify({ code });
        if (outcome.result) continue;
        left.push(code);
        if (outcome.paused) return [...left, ...codes.slice(index + 1)];
      }
      return left;
    },

    loadPickLists: () => readFirst([pickLists], '分拣单加载失败'),

    loadMorePickLists: () => readMore([pickLists], '分拣单加载失败'),

    loadDeliveries: () => readFirst([arrivingRewards, deliveries], '到货批次加载失败'),

    loadMoreDeliveries: () => readMore([deliveries], '到货批次加载失败'),

    loadMoreArrivingRewards: () => readMore([arrivingRewards], '待到货好礼加载失败'),

    async receive(batchId) {
      set({ busy: true });
      try {
        const received = await api.leader.receive(batchId);
        set((state) => ({
          busy: false,
          error: null,
          deliveries: {
            ...state.deliveries,
            items: state.deliveries.items.map((batch) => (batch.id === batchId ? received : batch)),
          },
        }));
        return true;
      } catch (error) {
        set({ busy: false, error: messageFor(error, '确认失败，请重试') });
        return false;
      }
    },

    async rewardArrived(redemptionId) {
      set({ busy: true });
      try {
        const arrived = await api.leader.rewardArrived(redemptionId);
        set((state) => ({
          busy: false,
          error: null,
          arrivingRewards: {
            ...state.arrivingRewards,
            items: state.arrivingRewards.items.filter((reward) => reward.id !== redemptionId),
          },
        }));
        return arrived;
      } catch (error) {
        set({ busy: false, error: messageFor(error, '确认失败，请重试') });
        return null;
      }
    },

    loadApplications: () =>
      read(async () => {
        const here = await whereAmI();
        const [applications, vacantPoints] = await Promise.all([
          api.leader.applications(),
          here
            ? api.pickupPoints
                .nearby(here.latitude, here.longitude, { vacant: true })
                .then((page) => page.items)
            : [],
        ]);
        return { applications, applicationsRead: true, vacantPoints, locationNeeded: !here };
      }, '申请记录加载失败'),

    async apply(request) {
      set({ busy: true });
      try {
        const application = await api.leader.apply(request);
        set((state) => ({
          busy: false,
          error: null,
          applications: [application, ...state.applications],
        }));
        return true;
      } catch (error) {
        set({ busy: false, error: messageFor(error, '提交失败，请重试') });
        // Sent already, by a try whose answer was lost: shown as it is.
        if (error instanceof ApiError && error.code === ErrorCode.LeaderApplicationPending) {
          await get().loadApplications();
          set({ error: messageFor(error) });
        }
        return false;
      }
    },
  };
});

resetOnMemberChange(() => {
  unansweredVerifications.clear();
  readyOrders.reset();
  readyRewards.reset();
  arrivingRewards.reset();
  deliveries.reset();
  useLeaderStore.setState(EMPTY);
});
