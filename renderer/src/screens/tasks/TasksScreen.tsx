import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { TASK_STATUS_LABELS, TASK_STATUSES, type TaskStatus } from '../../../../app/contract/tasks.ts';
import { api } from '../../api.ts';
import { Badge, Banner, Button, Dialog, EmptyState, errorMessage, IconButton, PlusIcon, PuzzleIcon, SafeText, safeString, Spinner, TasksIcon, Time, TrashIcon } from '../../ui/index.ts';
import { showLocalToast } from '../../stores/notifications.ts';
import type { ScreenParams } from '../../stores/navigation.ts';
import type { ScreenProps } from '../types.ts';
import { MoveMenu, type MoveChoice } from './MoveMenu.tsx';
import { TaskDialog, type TaskDialogMode } from './TaskDialog.tsx';
import { columnsOf, followTasks, useTasks, type Task } from './useTasks.ts';
import './tasks.css';

const DRAG_TYPE = 'application/x-switchboard-task';

/** The task board shared by you and your plugins: five columns, live as anyone changes a task. */
export function TasksScreen({ params }: ScreenProps) {
  const { tasks, loaded, loadError } = useTasks();
  const [dialog, setDialog] = useState<TaskDialogMode | null>(null);
  const [deleting, setDeleting] = useState<Task | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<TaskStatus | null>(null);
  const focusAfterMove = useRef<number | null>(null);
  const board = useRef<HTMLDivElement>(null);
  const columns = columnsOf(tasks);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  /** The navigation that last asked for a task; each one is answered once, not again on every board change. */
  const answered = useRef<ScreenParams | null>(null);

  useEffect(() => followTasks(), []);

  // A moved card is a new element in another column; give it back the keyboard focus it had.
  useEffect(() => {
    const id = focusAfterMove.current;
    if (id === null) return;
    const card = board.current?.querySelector<HTMLElement>(`[data-task-id="${id}"]`);
    if (card) {
      card.focus();
      focusAfterMove.current = null;
    }
  }, [tasks]);

  // Opened with a task (a search result, a link): bring its card into view, give it the keyboard focus and mark it.
  useEffect(() => {
    const wanted = params.taskId;
    if (!loaded || wanted === undefined || answered.current === params) return;
    answered.current = params;
    // A search result may name a task deleted since; then there is no card to show.
    const card = board.current?.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(wanted)}"]`);
    if (!card) return;
    card.scrollIntoView({ block: 'center', inline: 'center' });
    card.focus();
    setHighlighted(Number(wanted));
  }, [loaded, tasks, params]);

  const move = async (task: Task, status: TaskStatus, index?: number, keepFocus = false) => {
    setMoveError(null);
    if (keepFocus) focusAfterMove.current = task.id;
    try {
      await api.invoke('tasks.move', index === undefined ? { id: task.id, status } : { id: task.id, status, index });
      await useTasks.getState().load();
    } catch (error) {
      focusAfterMove.current = null;
      setMoveError(`Could not move "${task.title}": ${errorMessage(error)}`);
    }
  };

  const focusCard = (status: TaskStatus, index: number) => {
    const list = columns[status];
    const target = list[Math.max(0, Math.min(index, list.length - 1))];
    if (target) board.current?.querySelector<HTMLElement>(`[data-task-id="${target.id}"]`)?.focus();
  };

  const onCardKey = (event: KeyboardEvent<HTMLElement>, task: Task) => {
    if (event.target !== event.currentTarget) return;
    const column = TASK_STATUSES.indexOf(task.status);
    const index = columns[task.status].findIndex((t) => t.id === task.id);
    const neighbour = (step: number): TaskStatus | undefined => TASK_STATUSES[column + step];
    const key = event.key;
    if (key === 'Enter' || key === 'e') {
      event.preventDefault();
      setDialog({ kind: 'edit', task });
      return;
    }
    if (key === 'Delete') {
      event.preventDefault();
      setDeleting(task);
      return;
    }
    if (!key.startsWith('Arrow')) return;
    event.preventDefault();
    if (event.shiftKey) {
      if (key === 'ArrowLeft' || key === 'ArrowRight') {
        const to = neighbour(key === 'ArrowLeft' ? -1 : 1);
        if (to) void move(task, to, Math.min(index, columns[to].length), true);
      } else if (key === 'ArrowUp' && index > 0) {
        void move(task, task.status, index - 1, true);
      } else if (key === 'ArrowDown' && index < columns[task.status].length - 1) {
        void move(task, task.status, index + 1, true);
      }
      return;
    }
    if (key === 'ArrowUp') focusCard(task.status, index - 1);
    else if (key === 'ArrowDown') focusCard(task.status, index + 1);
    else {
      const step = key === 'ArrowLeft' ? -1 : 1;
      for (let c = column + step; c >= 0 && c < TASK_STATUSES.length; c += step) {
        const status = TASK_STATUSES[c]!;
        if (columns[status].length) {
          focusCard(status, index);
          break;
        }
      }
    }
  };

  const choicesFor = (task: Task): MoveChoice[] => {
    const list = columns[task.status];
    const index = list.findIndex((t) => t.id === task.id);
    return [
      ...TASK_STATUSES.filter((s) => s !== task.status).map((s) => ({ label: `Move to ${TASK_STATUS_LABELS[s]}`, run: () => void move(task, s, undefined, true) })),
      { label: 'Move up', disabled: index <= 0, run: () => void move(task, task.status, index - 1, true) },
      { label: 'Move down', disabled: index >= list.length - 1, run: () => void move(task, task.status, index + 1, true) },
    ];
  };

  const dropIndex = (event: DragEvent<HTMLElement>, status: TaskStatus, draggedId: number): number => {
    const cards = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-task-id]')].filter((el) => Number(el.dataset.taskId) !== draggedId);
    const before = cards.findIndex((el) => {
      const box = el.getBoundingClientRect();
      return event.clientY < box.top + box.height / 2;
    });
    return before === -1 ? columns[status].filter((t) => t.id !== draggedId).length : before;
  };

  const onDrop = (event: DragEvent<HTMLElement>, status: TaskStatus) => {
    event.preventDefault();
    setDropTarget(null);
    const id = Number(event.dataTransfer.getData(DRAG_TYPE));
    const task = tasks.find((t) => t.id === id);
    if (task) void move(task, status, dropIndex(event, status, id));
  };

  return (
    <div className="screen tasks-screen">
      <header className="screen-header">
        <div>
          <h1>Tasks</h1>
          <p>Shared by you and your plugins. Select a card: arrows move between cards, Shift + arrows move the card, Enter edits, Delete deletes.</p>
        </div>
        <div className="screen-actions">
          <Button variant="primary" icon={PlusIcon} onClick={() => setDialog({ kind: 'create', status: 'todo' })}>New task</Button>
        </div>
      </header>

      {loadError ? (
        <Banner tone="danger" title="The task board could not be loaded." action={<Button size="sm" onClick={() => void useTasks.getState().load()}>Try again</Button>}>
          {loadError}
        </Banner>
      ) : null}
      {moveError ? <Banner tone="warning" action={<Button size="sm" variant="ghost" onClick={() => setMoveError(null)}>Dismiss</Button>}>{moveError}</Banner> : null}

      {!loaded ? (
        <div className="tasks-loading"><Spinner label="Loading tasks" /></div>
      ) : tasks.length === 0 && !loadError ? (
        <EmptyState icon={TasksIcon} title="No tasks yet">
          Create one here, or let a plugin with the “Manage tasks” permission add them for you.
        </EmptyState>
      ) : (
        <div className="task-board" ref={board}>
          {TASK_STATUSES.map((status) => (
            <section
              key={status}
              className={`task-column task-column-${status}${dropTarget === status ? ' task-column-drop' : ''}`}
              aria-label={TASK_STATUS_LABELS[status]}
              onDragOver={(e) => {
                if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
                e.preventDefault();
                setDropTarget(status);
              }}
              onDragLeave={(e) => {
                if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropTarget(null);
              }}
              onDrop={(e) => onDrop(e, status)}
            >
              <header className="task-column-header">
                <h2>{TASK_STATUS_LABELS[status]}</h2>
                <span className="task-column-count">
                  {columns[status].length}
                  <span className="visually-hidden"> tasks</span>
                </span>
                <IconButton icon={PlusIcon} size="sm" label={`New task in ${TASK_STATUS_LABELS[status]}`} onClick={() => setDialog({ kind: 'create', status })} />
              </header>
              <ol className="task-list">
                {columns[status].map((task) => (
                  <TaskCard
                    key={task.id}
                    task={task}
                    highlighted={highlighted === task.id}
                    onBlur={() => setHighlighted(null)}
                    choices={choicesFor(task)}
                    onEdit={() => setDialog({ kind: 'edit', task })}
                    onDelete={() => setDeleting(task)}
                    onKeyDown={(e) => onCardKey(e, task)}
                  />
                ))}
              </ol>
            </section>
          ))}
        </div>
      )}

      {dialog ? <TaskDialog mode={dialog} onClose={() => setDialog(null)} /> : null}
      {deleting ? <DeleteTaskDialog task={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

/** Asks first; once deleted, a toast offers Undo, which puts the task back where it was. */
function DeleteTaskDialog({ task, onClose }: { task: Task; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    try {
      await api.invoke('tasks.delete', { id: task.id });
      onClose();
      showLocalToast({
        type: 'info',
        title: `Deleted “${task.title}”`,
        action: {
          label: 'Undo',
          run: async () => {
            try {
              await api.invoke('tasks.restore', { id: task.id });
            } catch (err) {
              showLocalToast({ type: 'error', title: `“${task.title}” could not be brought back`, message: errorMessage(err) });
            }
          },
        },
      });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Delete “${task.title}”?`}
      role="alertdialog"
      width="sm"
      onClose={onClose}
      description="It leaves the board for everyone, plugins included. You can undo it from the message that follows."
      footer={
        <>
          <Button onClick={onClose} data-autofocus>
            Keep it
          </Button>
          <Button variant="danger" icon={TrashIcon} busy={busy} onClick={() => void remove()}>
            Delete
          </Button>
        </>
      }
    >
      {error ? <Banner tone="danger">{error}</Banner> : null}
    </Dialog>
  );
}

interface TaskCardProps {
  task: Task;
  highlighted: boolean;
  choices: MoveChoice[];
  onEdit(): void;
  onDelete(): void;
  onKeyDown(e: KeyboardEvent<HTMLElement>): void;
  onBlur(): void;
}

function TaskCard({ task, highlighted, choices, onEdit, onDelete, onKeyDown, onBlur }: TaskCardProps) {
  const byPlugin = task.createdBy.startsWith('plugin:');
  return (
    <li
      className={`task-card${highlighted ? ' is-highlighted' : ''}`}
      data-task-id={task.id}
      aria-current={highlighted ? 'true' : undefined}
      tabIndex={0}
      aria-label={`${safeString(task.title)}, ${TASK_STATUS_LABELS[task.status]}, created by ${safeString(task.createdByName)}`}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, String(task.id));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onKeyDown={onKeyDown}
      onBlur={(e) => {
        // The mark stays while the focus is on the card or inside it (its buttons), and goes once it leaves.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onBlur();
      }}
      onDoubleClick={onEdit}
    >
      <div className="task-card-title">
        <SafeText text={task.title} />
      </div>
      {task.description ? (
        <p className="task-card-description">
          <SafeText text={task.description} />
        </p>
      ) : null}
      <div className="task-card-meta">
        {byPlugin ? (
          <Badge tone="accent" label={`Created by the plugin ${safeString(task.createdByName)}`}>
            <PuzzleIcon size={12} /> <SafeText text={task.createdByName} />
          </Badge>
        ) : (
          <span className="task-card-creator">{task.createdByName}</span>
        )}
        <Time className="task-card-time" iso={task.createdAt} relative />
        {task.assignee ? (
          <span className="task-card-assignee" title="Assignee">
            → <SafeText text={task.assignee} />
          </span>
        ) : null}
      </div>
      <div className="task-card-actions">
        <Button size="sm" variant="ghost" onClick={onEdit} aria-label={`Edit ${safeString(task.title)}`}>Edit</Button>
        <MoveMenu label={`Move ${safeString(task.title)}`} choices={choices} />
        <IconButton icon={TrashIcon} size="sm" label={`Delete ${safeString(task.title)}`} onClick={onDelete} />
      </div>
    </li>
  );
}
