import { useNotifications } from '../../stores/notifications.ts';

let nextLocalId = -1;

/**
 * Shows a failed command as an error toast in this window. The failure is
 * the answer to something the user just did here, and main already returned
 * it as the call's error, so it is not sent back through main's history.
 * Negative ids keep these apart from main's notification ids.
 */
export function showCommandError(commandLabel: string, message: string): void {
  const toast = {
    id: nextLocalId--,
    at: new Date().toISOString(),
    type: 'error' as const,
    title: `“${commandLabel}” failed`,
    message,
    source: 'app',
    read: true,
  };
  useNotifications.setState((state) => ({ toasts: [...state.toasts, toast] }));
}
