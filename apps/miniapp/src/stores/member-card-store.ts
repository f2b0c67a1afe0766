import type { MemberCard } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { resetOnMemberChange } from './session';

interface MemberCardState {
  card: MemberCard | null;
  /**
   * When the card's member code rotates, on this phone's clock: the seconds the BFF said it
   * stays valid, counted from the answer's arrival. The phone's clock may be minutes off the
   * BFF's, so memberCodeExpiresAt is not compared with it.
   */
  codeRotatesAt: number;
  loading: boolean;
  error: string | null;
  /** Counts finished loads, failed ones too, so that the page schedules the next one after each. */
  loads: number;
  load(): Promise<void>;
}

const initial = { card: null, codeRotatesAt: 0, loading: false, error: null, loads: 0 };

export const useMemberCardStore = create<MemberCardState>()((set) => ({
  ...initial,

  async load() {
    set({ loading: true });
    try {
      const card = await api.memberCard.get();
      const codeRotatesAt = Date.now() + card.memberCodeSecondsLeft * 1000;
      set((s) => ({ card, codeRotatesAt, loading: false, error: null, loads: s.loads + 1 }));
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
