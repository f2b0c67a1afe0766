import type { MemberCard } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';

interface MemberCardState {
  card: MemberCard | null;
  loading: boolean;
  error: string | null;
  /** Counts finished loads, failed ones too, so that the page schedules the next one after each. */
  loads: number;
  load(): Promise<void>;
}

const initial = { card: null, loading: false, error: null, loads: 0 };

export const useMemberCardStore = create<MemberCardState>()((set) => ({
  ...initial,

  async load() {
    set({ loading: true });
    try {
      const card = await api.memberCard.get();
      set((s) => ({ card, loading: false, error: null, loads: s.loads + 1 }));
    } catch (error) {
      set((s) => ({
        loading: false,
        error: messageFor(error, '会员信息加载失败'),
        loads: s.loads + 1,
      }));
    }
  },
}));

resetOnMemberChange(() => useMemberCardStore.setState(initial));
