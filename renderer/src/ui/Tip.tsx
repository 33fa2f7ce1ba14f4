import type { ReactNode } from 'react';
import './ui.css';

/**
 * An icon or dot that carries meaning: announced as `label`, and the label
 * shows as a tooltip on hover and on keyboard focus. `focusable` puts it in
 * the tab order; leave it off inside a button or link, whose own focus then
 * shows the tooltip.
 */
export function Tip({ label, children, focusable = false, className }: { label: string; children: ReactNode; focusable?: boolean; className?: string }) {
  return (
    <span className={`tip${className ? ` ${className}` : ''}`} role="img" aria-label={label} data-tip={label} tabIndex={focusable ? 0 : undefined}>
      {children}
    </span>
  );
}
