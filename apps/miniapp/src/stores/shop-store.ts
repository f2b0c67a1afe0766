import Taro from '@tarojs/taro';
import type { NearbyPickupPoint, ShopperCampaign } from '@linli/api-contract';
import { ApiError } from '@linli/api-client';
import { ErrorCode } from '@linli/shared';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';

// Where the demo community is, for browsers that do not share their location.
const DEMO_LOCATION = { latitude: 30.2772, longitude: 120.1276 };

interface ShopState {
  campaigns: ShopperCampaign[];
  needsPickupPoint: boolean;
  nearby: NearbyPickupPoint[];
  loading: boolean;
  error: string | null;
  /** The campaign open on the detail page. */
  campaign: ShopperCampaign | null;
  loadCampaigns(): Promise<void>;
  openCampaign(campaignId: string): Promise<void>;
  choosePickupPoint(pickupPointId: string): Promise<void>;
}

async function whereAmI(): Promise<{ latitude: number; longitude: number }> {
  try {
    const { latitude, longitude } = await Taro.getLocation({ type: 'gcj02' });
    return { latitude, longitude };
  } catch {
    return DEMO_LOCATION;
  }
}

export const useShopStore = create<ShopState>()((set, get) => ({
  campaigns: [],
  needsPickupPoint: false,
  nearby: [],
  loading: false,
  error: null,
  campaign: null,

  async loadCampaigns() {
    set({ loading: true, error: null });
    try {
      const { items } = await api.campaigns.list();
      set({ campaigns: items, needsPickupPoint: false, loading: false });
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCode.PickupPointRequired) {
        const { latitude, longitude } = await whereAmI();
        const nearby = await api.pickupPoints.nearby(latitude, longitude).catch(() => []);
        set({ needsPickupPoint: true, nearby, campaigns: [], loading: false });
        return;
      }
      set({ loading: false, error: messageFor(error, '团购加载失败') });
    }
  },

  async openCampaign(campaignId) {
    // What the list already knows shows at once; the detail read brings it up to date.
    const listed = get().campaigns.find((campaign) => campaign.id === campaignId) ?? null;
    if (get().campaign?.id !== campaignId) set({ campaign: listed });
    try {
      set({ campaign: await api.campaigns.get(campaignId), error: null });
    } catch (error) {
      set({ error: messageFor(error, '团购加载失败') });
    }
  },

  async choosePickupPoint(pickupPointId) {
    try {
      await api.pickupPoints.choose(pickupPointId);
      await get().loadCampaigns();
    } catch (error) {
      set({ error: messageFor(error, '选择自提点失败') });
    }
  },
}));
