import type { ReactNode } from 'react';
import './ui.css';

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

/**
 * A short state word. With `label`, the badge is announced as that label
 * (an aria-label is only allowed on an element with a role, so it gets
 * role="img") and shows it as a tooltip.
 */
export function Badge({ tone = 'neutral', children, label }: { tone?: BadgeTone; children: ReactNode; label?: string }) {
  if (!label) return <span className={`badge badge-${tone}`}>{children}</span>;
  return (
    <span className={`badge badge-${tone}`} role="img" aria-label={label} title={label}>
      {children}
    </span>
  );
}
