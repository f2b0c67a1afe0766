import type { NearbyPickupPoint, PickupPointSummary, ShopperCampaign } from '@linli/api-contract';
import { ApiError } from '@linli/api-client';
import { ErrorCode } from '@linli/shared';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';
import { LOCATION_NEEDED, whereAmI } from '../services/location';

const PAGE_SIZE = 20;

/** The group-buy whose detail was asked for last: only its answer is shown. */
let openingCampaign: string | null = null;

interface ShopState {
  /** The live campaigns loaded so far, cutting off soonest first. */
  campaigns: ShopperCampaign[];
  /** Where the next page of campaigns starts; null once all are loaded. */
  campaignsCursor: string | null;
  /** The pickup point the shopper buys at; null until they choose one. */
  pickupPoint: PickupPointSummary | null;
  /** The nearby pickup points are shown: before the first choice, or to change it. */
  choosingPickupPoint: boolean;
  nearby: NearbyPickupPoint[];
  loading: boolean;
  error: string | null;
  /** The campaign open on the detail page. */
  campaign: ShopperCampaign | null;
  /** The detail page's campaign cannot be shown before the member chooses a pickup point. */
  campaignNeedsPickupPoint: boolean;
  /** The detail page's campaign is not offered to the member (any more): withdrawn, or elsewhere. */
  campaignGone: boolean;
  loadCampaigns(): Promise<void>;
  loadMoreCampaigns(): Promise<void>;
  openCampaign(campaignId: string): Promise<void>;
  /** Lists the pickup points near the shopper to choose from. */
  changePickupPoint(): Promise<void>;
  /** Back to the campaigns without changing the pickup point. */
  keepPickupPoint(): void;
  choosePickupPoint(pickupPointId: string): Promise<void>;
}

/** What the store holds before anything is loaded, and again once the member changes. */
const EMPTY: Pick<
  ShopState,
  | 'campaigns'
  | 'campaignsCursor'
  | 'pickupPoint'
  | 'choosingPickupPoint'
  | 'nearby'
  | 'loading'
  | 'error'
  | 'campaign'
  | 'campaignNeedsPickupPoint'
  | 'campaignGone'
> = {
  campaigns: [],
  campaignsCursor: null,
  pickupPoint: null,
  choosingPickupPoint: false,
  nearby: [],
  loading: false,
  error: null,
  campaign: null,
  campaignNeedsPickupPoint: false,
  campaignGone: false,
};

/**
 * When each campaign's figures (listed, or its own page's) were read, by this phone's clock:
 * when they were asked for, as the BFF counts the seconds to the cut-off from then on, however
 * long the answer takes to come.
 */
const readAt = new WeakMap<ShopperCampaign, number>();

function stamped(campaigns: ShopperCampaign[], askedAt: number): ShopperCampaign[] {
  for (const campaign of campaigns) readAt.set(campaign, askedAt);
  return campaigns;
}

/** A campaign as it stands now: its seconds to the cut-off counted down since it was read. */
function asNow(campaign: ShopperCampaign): ShopperCampaign {
  const at = readAt.get(campaign);
  if (at === undefined) return campaign;
  const now = Date.now();
  const passed = Math.floor((now - at) / 1000);
  const counted = { ...campaign, secondsToCutOff: Math.max(0, campaign.secondsToCutOff - passed) };
  readAt.set(counted, now - ((now - at) % 1000));
  return counted;
}

/** Counts the listings of 首页: only the newest one's answer is shown. */
let listing = 0;

/** Of the figures known for a campaign, those read last. */
function latestRead(...known: (ShopperCampaign | null | undefined)[]): ShopperCampaign | null {
  const read = known.filter((c): c is ShopperCampaign => Boolean(c));
  return read.sort((a, b) => (readAt.get(b) ?? 0) - (readAt.get(a) ?? 0))[0] ?? null;
}

export const useShopStore = create<ShopState>()((set, get) => ({
  ...EMPTY,

  async loadCampaigns() {
    const mine = ++listing;
    const askedAt = Date.now();
    set({ loading: true, error: null });
    try {
      const [page, me] = await Promise.all([
        api.campaigns.list({ limit: PAGE_SIZE }),
        api.me.get(),
      ]);
      // Listed again meanwhile (another pickup point chosen): this answer is older.
      if (mine !== listing) return;
      set({
        campaigns: stamped(page.items, askedAt),
        campaignsCursor: page.nextCursor,
        pickupPoint: me.pickupPoint,
        choosingPickupPoint: false,
        loading: false,
      });
    } catch (error) {
      if (mine !== listing) return;
      if (error instanceof ApiError && error.code === ErrorCode.PickupPointRequired) {
        // Still loading while the phone finds where it is: there is nothing to list yet, and
        // the page does not say that today's group-buys have not begun.
        set({ campaigns: [], campaignsCursor: null, pickupPoint: null });
        await get().changePickupPoint();
        set({ loading: false });
        return;
      }
      set({ loading: false, error: messageFor(error, '团购加载失败') });
    }
  },

  async loadMoreCampaigns() {
    const { campaignsCursor: cursor, loading } = get();
    if (!cursor || loading) return;
    set({ loading: true });
    const askedAt = Date.now();
    try {
      const page = await api.campaigns.list({ limit: PAGE_SIZE, cursor });
      // A reload meanwhile (another pickup point) started the list again.
      if (get().campaignsCursor !== cursor) return;
      set((state) => ({
        campaigns: [...state.campaigns, ...stamped(page.items, askedAt)],
        campaignsCursor: page.nextCursor,
        loading: false,
      }));
    } catch (error) {
      set({ loading: false, error: messageFor(error, '团购加载失败') });
    }
  },

  async openCampaign(campaignId) {
    // What is already known shows at once, the figures read last (on 首页, or on this page
    // before) counted down to now; the detail read brings it up to date.
    const listed = get().campaigns.find((campaign) => campaign.id === campaignId);
    const shown = get().campaign?.id === campaignId ? get().campaign : null;
    const known = latestRead(shown, listed);
    openingCampaign = campaignId;
    set({
      campaign: known ? asNow(known) : null,
      ...(shown ? {} : { error: null, campaignNeedsPickupPoint: false, campaignGone: false }),
    });
    try {
      const askedAt = Date.now();
      const [campaign] = stamped([await api.campaigns.get(campaignId)], askedAt);
      // The answer for a group-buy left meanwhile for another one is not shown on that one.
      if (openingCampaign !== campaignId) return;
      set({ campaign, error: null, campaignNeedsPickupPoint: false, campaignGone: false });
    } catch (error) {
      if (openingCampaign !== campaignId) return;
      const code = error instanceof ApiError ? error.code : null;
      // What the list showed of a campaign no longer offered is not shown as if it still were.
      if (code === ErrorCode.NotFound) {
        set({ campaign: null, error: null, campaignGone: true });
        return;
      }
      set({
        error: messageFor(error, '团购加载失败'),
        campaignNeedsPickupPoint: code === ErrorCode.PickupPointRequired,
      });
    }
  },

  async changePickupPoint() {
    const here = await whereAmI();
    if (!here) {
      set({ nearby: [], choosingPickupPoint: true, error: LOCATION_NEEDED });
      return;
    }
    try {
      const { items: nearby } = await api.pickupPoints.nearby(here.latitude, here.longitude);
      set({ nearby, choosingPickupPoint: true, error: null });
    } catch (error) {
      set({
        nearby: [],
        choosingPickupPoint: true,
        error: messageFor(error, '附近的自提点加载失败，请重试'),
      });
    }
  },

  keepPickupPoint() {
    set({ choosingPickupPoint: false });
  },

  async choosePickupPoint(pickupPointId) {
    try {
      const me = await api.pickupPoints.choose(pickupPointId);
      listing += 1; // a listing still on its way is for the point left
      // Chosen: the point is the new one from now on, and the old point's group-buys are gone,
      // even when reading the new point's fails (its page offers 重试 then).
      set({
        pickupPoint: me.pickupPoint,
        campaigns: [],
        campaignsCursor: null,
        choosingPickupPoint: false,
      });
    } catch (error) {
      set({ error: messageFor(error, '选择自提点失败') });
      return;
    }
    // Reads the campaigns and the pickup point they are for together.
    await get().loadCampaigns();
  },
}));

resetOnMemberChange(() => {
  listing += 1; // a listing still on its way is for the member before
  useShopStore.setState(EMPTY);
});
