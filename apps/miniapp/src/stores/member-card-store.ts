import type { MemberCard } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';

interface MemberCardState {
  card: MemberCard | null;
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
}

export const useMemberCardStore = create<MemberCardState>()((set) => ({
  card: null,
  loading: false,
  error: null,

  async load() {
    set({ loading: true });
    try {
      set({ card: await api.memberCard.get(), loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: messageFor(error, '会员信息加载失败') });
    }
  },
}));
