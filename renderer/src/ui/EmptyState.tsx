import type { ReactNode } from 'react';
import type { IconComponent } from './icons.tsx';
import './ui.css';

export function EmptyState({ icon: Icon, title, children, action }: { icon?: IconComponent; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      {Icon ? <Icon size={32} /> : null}
      <p className="empty-state-title">{title}</p>
      {children ? <div className="empty-state-text">{children}</div> : null}
      {action}
    </div>
  );
}
