import type { OrderView } from '@linli/api-contract';
import { create } from 'zustand';
import { api } from '../services/api';
import { messageFor } from '../services/error-messages';

interface OrdersState {
  orders: OrderView[];
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
}

export const useOrdersStore = create<OrdersState>()((set) => ({
  orders: [],
  loading: false,
  error: null,
  async load() {
    set({ loading: true });
    try {
      set({ orders: (await api.orders.list({ limit: 20 })).items, loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: messageFor(error, '订单加载失败') });
    }
  },
}));
