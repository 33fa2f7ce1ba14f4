import type { ComponentType } from 'react';

export interface OverlayProps {
  onClose(): void;
}

export interface Shortcut {
  /** `KeyboardEvent.key`, compared case-insensitively, e.g. 'p'. */
  key: string;
  /** Ctrl on Windows and Linux, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export interface OverlayDefinition {
  id: string;
  title: string;
  shortcut: Shortcut;
  component: ComponentType<OverlayProps>;
}
