import type { ReactNode } from 'react';
import './ui.css';

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children, label }: { tone?: BadgeTone; children: ReactNode; label?: string }) {
  return <span className={`badge badge-${tone}`} aria-label={label}>{children}</span>;
}
