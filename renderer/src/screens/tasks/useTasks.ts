import { create } from 'zustand';
import type { Static } from '@sinclair/typebox';
import type { Task as TaskSchema, TaskStatus } from '../../../../app/contract/tasks.ts';
import { TASK_STATUSES } from '../../../../app/contract/tasks.ts';
import { api } from '../../api.ts';
import { errorMessage } from '../../ui/index.ts';

export type Task = Static<typeof TaskSchema>;

interface TaskBoardState {
  tasks: Task[];
  loaded: boolean;
  loadError: string | null;
  load(): Promise<void>;
}

let loading: Promise<void> | null = null;
let again = false;

export const useTasks = create<TaskBoardState>((set) => ({
  tasks: [],
  loaded: false,
  loadError: null,
  // A move renumbers its neighbours too, so after any change the board asks for the whole list;
  // bursts of changes (a plugin creating ten tasks) collapse into one extra fetch.
  load: () => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        try {
          const { tasks } = await api.invoke('tasks.list', {});
          set({ tasks, loaded: true, loadError: null });
        } catch (error) {
          set({ loaded: true, loadError: errorMessage(error) });
        }
      } while (again);
      loading = null;
    })();
    return loading;
  },
}));

/** Keeps the board current while it is on screen, whoever changes a task (you, another window, a plugin). */
export function followTasks(): () => void {
  void useTasks.getState().load();
  return api.on('tasks.changed', () => void useTasks.getState().load());
}

export function columnsOf(tasks: readonly Task[]): Record<TaskStatus, Task[]> {
  const columns = Object.fromEntries(TASK_STATUSES.map((s) => [s, [] as Task[]])) as Record<TaskStatus, Task[]>;
  for (const task of tasks) columns[task.status].push(task);
  for (const status of TASK_STATUSES) columns[status].sort((a, b) => a.position - b.position || a.id - b.id);
  return columns;
}
