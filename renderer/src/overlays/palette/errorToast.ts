import { showLocalToast } from '../../stores/notifications.ts';

/**
 * Shows a failed command as an error toast in this window. The failure is
 * the answer to something the user just did here, and main already returned
 * it as the call's error, so it is not sent back through main's history.
 */
export function showCommandError(commandLabel: string, message: string): void {
  showLocalToast({ type: 'error', title: `“${commandLabel}” failed`, message });
}
