import { create } from 'zustand';

interface OverlayState {
  /** The id of the open overlay from renderer/src/overlays/index.ts, if any. One at a time. */
  open: string | null;
  openOverlay(id: string): void;
  toggleOverlay(id: string): void;
  closeOverlay(): void;
}

export const useOverlays = create<OverlayState>((set) => ({
  open: null,
  openOverlay: (id) => set({ open: id }),
  toggleOverlay: (id) => set((s) => ({ open: s.open === id ? null : id })),
  closeOverlay: () => set({ open: null }),
}));
