import type { Notification } from '../stores/notifications.ts';
import { AgentDoneIcon, AgentErrorIcon, ErrorIcon, InfoIcon, SuccessIcon, WarningIcon, type IconComponent } from '../ui/icons.tsx';

const TYPES: Record<Notification['type'], { icon: IconComponent; label: string }> = {
  success: { icon: SuccessIcon, label: 'Success' },
  error: { icon: ErrorIcon, label: 'Error' },
  warning: { icon: WarningIcon, label: 'Warning' },
  info: { icon: InfoIcon, label: 'Info' },
  agent_complete: { icon: AgentDoneIcon, label: 'Agent finished' },
  agent_error: { icon: AgentErrorIcon, label: 'Agent error' },
};

export function notificationTypeLabel(type: Notification['type']): string {
  return TYPES[type].label;
}

/** The type's icon in the type's colour; named for screen readers. */
export function NotificationIcon({ type, size = 16 }: { type: Notification['type']; size?: number }) {
  const { icon: Icon, label } = TYPES[type];
  return (
    <span className={`notification-icon notification-icon-${type}`}>
      <Icon size={size} title={label} />
    </span>
  );
}
