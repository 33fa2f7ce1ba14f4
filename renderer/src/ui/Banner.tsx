import type { ReactNode } from 'react';
import { ErrorIcon, InfoIcon, WarningIcon } from './icons.tsx';
import './ui.css';

const ICONS = { info: InfoIcon, warning: WarningIcon, danger: ErrorIcon };

/** A message that belongs to a screen or a section (not a passing toast). */
export function Banner({ tone = 'info', title, children, action }: { tone?: keyof typeof ICONS; title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  const Icon = ICONS[tone];
  return (
    <div className={`banner banner-${tone}`} role={tone === 'info' ? 'status' : 'alert'}>
      <Icon size={16} />
      <div className="banner-text">
        {title ? <strong>{title}</strong> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {action ? <div className="banner-action">{action}</div> : null}
    </div>
  );
}
