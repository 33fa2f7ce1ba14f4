import { AppError } from '../../app/contract/envelope.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { TaskBackend } from './api/context.ts';
import type { PluginSupervisor } from './supervisor.ts';
import type { AppCommand } from './supervisor-options.ts';

/**
 * The app's own palette commands that run in main. Navigation commands
 * (open a screen) live in the renderer, which adds them to this list.
 */
export function appCommands(deps: { notifications: NotificationService; tasks: TaskBackend; supervisor: () => PluginSupervisor }): AppCommand[] {
  return [
    {
      id: 'app.tasks.create',
      label: 'Create a task',
      takesArgument: true,
      run: (title) => {
        if (!title.trim()) throw new AppError('invalid_argument', 'Type the title of the task after choosing the command.');
        deps.tasks.create(title, '', 'user');
      },
    },
    {
      id: 'app.notifications.test',
      label: 'Send a test notification',
      takesArgument: false,
      run: () => {
        deps.notifications.notify({ type: 'info', title: 'Test notification', message: 'Notifications reach you here.' });
      },
    },
    {
      id: 'app.plugins.restartAll',
      label: 'Restart all running plugins',
      takesArgument: false,
      run: async () => {
        const supervisor = deps.supervisor();
        const running = supervisor.list().filter((p) => p.state === 'running');
        await Promise.all(running.map((p) => supervisor.restart(p.id)));
      },
    },
  ];
}
