import type { RecommendedCampaign } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { resetOnMemberChange } from './session';

/** 首页 shows a short strip: a few, the best first. */
const SHOWN = 6;

interface RecommendationsState {
  /** Group-buys recommended at the member's pickup point, best first; none when unknown. */
  items: RecommendedCampaign[];
  load(): Promise<void>;
}

let loads = 0;

export const useRecommendationsStore = create<RecommendationsState>()((set) => ({
  items: [],

  async load() {
    const load = ++loads;
    try {
      const { items } = await api.me.recommendations({ limit: SHOWN });
      // An older answer arriving after a newer one (another pickup point) is not shown.
      if (load === loads) set({ items });
    } catch {
      // The strip is a suggestion: without it 首页 is whole, so a failure hides it, no more.
      if (load === loads) set({ items: [] });
    }
  },
}));

resetOnMemberChange(() => useRecommendationsStore.setState({ items: [] }));
