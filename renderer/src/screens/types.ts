import type { ComponentType } from 'react';
import type { IconComponent } from '../ui/icons.tsx';
import type { ScreenParams } from '../stores/navigation.ts';

export interface ScreenProps {
  /** What the screen was opened with through `navigate(id, params)`. */
  params: ScreenParams;
}

export interface ScreenDefinition {
  /** Stable id used by `navigate()`; lower-case, no spaces. */
  id: string;
  title: string;
  icon: IconComponent;
  component: ComponentType<ScreenProps>;
}
