import Taro from '@tarojs/taro';
import type { MeResponse } from '@linli/api-contract';
import { INVITE_CODE_PATTERN, type MemberTier } from '@linli/shared';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';
import { taroStorage } from '../services/taro-storage';

export interface SessionMember {
  id: string;
  nickname: string;
  tier: MemberTier;
  /** 'leader' once the member runs a pickup point. */
  roles: MeResponse['roles'];
  /** Carried by the group-buys they share: a neighbour who joins through one is their invitee. */
  inviteCode?: string;
  /** YYYY-MM-DD, and the first day it may be changed again; null until set. */
  birthday?: string | null;
  birthdayChangeableFrom?: string | null;
}

interface AuthState {
  accessToken: string | null;
  refreshToken: string | null;
  member: SessionMember | null;
  loading: boolean;
  error: string | null;
  /** The invite code of the link that brought someone not logged in, sent with their log-in. */
  inviter: string | null;
  /** Keeps the invite code of a shared link opened before logging in; anything else is ignored. */
  rememberInviter(code: string | undefined): void;
  /** Logs in: with a name through the dev provider where offered, else with wx.login. */
  login(name?: string): Promise<void>;
  /** Refreshes the member from the BFF. */
  loadMe(): Promise<void>;
  /** Sets the member's birthday; says whether it was saved (else `error` says why). */
  setBirthday(birthday: string): Promise<boolean>;
  logout(): void;
}

export const devLoginEnabled = process.env.TARO_APP_DEV_LOGIN === 'true';

export const useAuthStore = create<AuthState>()(
  persist(
    (set) => ({
      accessToken: null,
      refreshToken: null,
      member: null,
      loading: false,
      error: null,
      inviter: null,

      rememberInviter(code) {
        const inviter = code?.trim().toUpperCase();
        if (inviter && INVITE_CODE_PATTERN.test(inviter) && !useAuthStore.getState().accessToken)
          set({ inviter });
      },

      async login(name) {
        set({ loading: true, error: null });
        try {
          const code = devLoginEnabled && name ? `dev:${name.trim()}` : (await Taro.login()).code;
          const inviteCode = useAuthStore.getState().inviter ?? undefined;
          const { member } = await api.auth.wechatLogin({ code, inviteCode });
          set({ member: { ...member, roles: ['shopper'] }, loading: false, inviter: null });
          await useAuthStore.getState().loadMe();
        } catch (error) {
          set({ loading: false, error: messageFor(error, '登录失败，请重试') });
        }
      },

      async loadMe() {
        try {
          const me = await api.me.get();
          set({
            member: {
              id: me.id,
              nickname: me.nickname,
              tier: me.tier,
              roles: me.roles,
              inviteCode: me.inviteCode,
              birthday: me.birthday,
              birthdayChangeableFrom: me.birthdayChangeableFrom,
            },
            error: null,
          });
        } catch (error) {
          set({ error: messageFor(error) });
        }
      },

      async setBirthday(day) {
        try {
          const { birthday, changeableFrom } = await api.me.setBirthday(day);
          const member = useAuthStore.getState().member;
          if (member)
            set({ member: { ...member, birthday, birthdayChangeableFrom: changeableFrom } });
          set({ error: null });
          return true;
        } catch (error) {
          set({ error: messageFor(error, '生日保存失败') });
          return false;
        }
      },

      logout() {
        void api.auth.logout(); // ends the session at the BFF too, without waiting for it
        set({ accessToken: null, refreshToken: null, member: null, error: null });
      },
    }),
    {
      name: 'linli-auth',
      storage: taroStorage,
      partialize: ({ accessToken, refreshToken, member, inviter }) => ({
        accessToken,
        refreshToken,
        member,
        inviter,
      }),
    },
  ),
);

// The tabs of a browser share the storage: the session one renews, ends or starts is all of theirs.
if (process.env.TARO_ENV === 'h5') {
  window.addEventListener('storage', (event) => {
    if (event.key === useAuthStore.persist.getOptions().name) void useAuthStore.persist.rehydrate();
  });
}
