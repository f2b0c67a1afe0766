import type { CheckInCalendar, CheckInResult } from '@linli/api-contract';
import { ErrorCode } from '@linli/shared';
import { create } from 'zustand';
import { ApiError } from '@linli/api-client';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { newIdempotencyKey } from '../services/idempotency-key';
import { resetOnMemberChange } from './session';

/** Counts the months asked for: one that arrives after another was asked for is dropped. */
let asked = 0;

interface CheckInState {
  calendar: CheckInCalendar | null;
  loading: boolean;
  error: string | null;
  checkingIn: boolean;
  /** Today's check-in as it was answered, to show what it earned. */
  result: CheckInResult | null;
  checkInError: string | null;
  /** A month (YYYY-MM) of check-ins; this month when left out. */
  showMonth(month?: string): Promise<void>;
  checkIn(): Promise<CheckInResult | null>;
}

const EMPTY: Pick<
  CheckInState,
  'calendar' | 'loading' | 'error' | 'checkingIn' | 'result' | 'checkInError'
> = {
  calendar: null,
  loading: false,
  error: null,
  checkingIn: false,
  result: null,
  checkInError: null,
};

export const useCheckInStore = create<CheckInState>()((set, get) => ({
  ...EMPTY,

  async showMonth(month) {
    const request = ++asked;
    set({ loading: true, error: null });
    try {
      const calendar = await api.checkIns.calendar(month);
      if (request === asked) set({ calendar, loading: false });
    } catch (error) {
      if (request === asked) set({ loading: false, error: messageFor(error, '签到记录加载失败') });
    }
  },

  async checkIn() {
    if (get().checkingIn) return null;
    set({ checkingIn: true, checkInError: null });
    try {
      const result = await api.checkIns.checkIn(newIdempotencyKey());
      set({ checkingIn: false, result });
      await get().showMonth();
      return result;
    } catch (error) {
      const alreadyDone = error instanceof ApiError && error.code === ErrorCode.CheckInAlreadyDone;
      // Checked in already (on another device, say, or by this tap, its answer lost on the
      // way): the calendar read again shows it, and there is nothing to try again.
      set({ checkingIn: false, checkInError: alreadyDone ? null : messageFor(error, '签到失败') });
      await get().showMonth();
      if (get().calendar?.checkedInToday) set({ checkInError: null });
      return null;
    }
  },
}));

resetOnMemberChange(() => {
  asked += 1;
  useCheckInStore.setState(EMPTY);
});
