import type { Static } from '@sinclair/typebox';
import { AppError, fieldError } from '../../app/contract/envelope.ts';
import { tooLongWords } from '../../app/contract/fields.ts';
import {
  isTaskStatus,
  TASK_ASSIGNEE_MAX,
  TASK_DESCRIPTION_MAX,
  TASK_LIMIT,
  TASK_STATUSES,
  TASK_TITLE_MAX,
  type Task as TaskSchema,
  type TaskStatus,
} from '../../app/contract/tasks.ts';
import type { AuditActor, AuditLog } from '../audit/audit.ts';
import type { Db, Migration } from '../db/database.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';

export type Task = Static<typeof TaskSchema>;
export type TaskChangeKind = 'created' | 'updated' | 'moved' | 'deleted' | 'restored';
export type TaskChangeListener = (task: Task, kind: TaskChangeKind) => void;

export interface TaskEdit {
  title?: unknown;
  description?: unknown;
  assignee?: unknown;
  status?: unknown;
}

export interface TaskCreateExtras {
  status?: unknown;
  assignee?: unknown;
}

export const taskMigrations: Migration[] = [
  {
    id: 'tasks/create-tasks',
    up(db) {
      db.exec(`
        CREATE TABLE tasks (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          title TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          status TEXT NOT NULL CHECK (status IN ('todo', 'progress', 'review', 'done', 'blocked')),
          assignee TEXT,
          created_by TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          position INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX tasks_column ON tasks(status, position, id);
      `);
    },
  },
  {
    // A deleted task stays until the next start so its undo can bring it back whole.
    id: 'tasks/deleted-at',
    up(db) {
      db.exec('ALTER TABLE tasks ADD COLUMN deleted_at TEXT');
    },
  },
];

interface Raw {
  id: number;
  title: string;
  description: string;
  status: TaskStatus;
  assignee: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  position: number;
}

const STATUS_LIST = TASK_STATUSES.join(', ');

/** `user` reads as "You"; a plugin's actor reads as its name when the caller can tell it. */
export type ActorNamer = (actor: string) => string;

export const defaultActorName: ActorNamer = (actor) => {
  if (actor === 'user') return 'You';
  if (actor === 'app') return 'Switchboard';
  return actor.replace(/^(plugin|agent):/, '');
};

export interface TaskServiceOptions {
  /** Turns `plugin:<id>` into the plugin's name for the board. */
  nameOf?: ActorNamer;
  now?: () => Date;
  log?: Logger;
}

function checkTitle(value: unknown): string {
  if (typeof value !== 'string') throw fieldError('title', 'A task title must be text.');
  const title = value.trim();
  if (!title) throw fieldError('title', 'Give the task a title');
  if (title.length > TASK_TITLE_MAX) throw fieldError('title', `${tooLongWords(TASK_TITLE_MAX)} (this one has ${title.length})`);
  return title;
}

function checkDescription(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw fieldError('description', 'A task description must be text.');
  if (value.length > TASK_DESCRIPTION_MAX) throw fieldError('description', tooLongWords(TASK_DESCRIPTION_MAX));
  return value;
}

function checkAssignee(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw fieldError('assignee', 'An assignee must be a name.');
  const name = value.trim();
  if (name.length > TASK_ASSIGNEE_MAX) throw fieldError('assignee', tooLongWords(TASK_ASSIGNEE_MAX));
  return name || null;
}

function checkStatus(value: unknown): TaskStatus {
  if (isTaskStatus(value)) return value;
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : 'that';
  throw fieldError('status', `Unknown status ${shown}. A task's status is one of ${STATUS_LIST}.`);
}

function checkId(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new AppError('invalid_argument', 'A task id is a whole number from 1.');
  return value as number;
}

/**
 * The task board shared by people and plugins. Every caller (the renderer's
 * channels, `agor.tasks` in the plugin runtime) goes through here, so each
 * gets the same checks, the same audit rows and the same push event.
 */
export class TaskService {
  readonly #db: Db;
  readonly #events: AppEvents;
  readonly #audit: AuditLog;
  readonly #nameOf: ActorNamer;
  readonly #now: () => Date;
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<TaskChangeListener>();

  constructor(db: Db, events: AppEvents, audit: AuditLog, options: TaskServiceOptions = {}) {
    this.#db = db;
    this.#events = events;
    this.#audit = audit;
    this.#nameOf = options.nameOf ?? defaultActorName;
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log;
    this.#db.prepare('DELETE FROM tasks WHERE deleted_at IS NOT NULL').run();
  }

  /** Every task, column by column in board order, each column top to bottom. */
  list(): Task[] {
    const rows = this.#db.prepare('SELECT * FROM tasks WHERE deleted_at IS NULL ORDER BY position, id').all() as Raw[];
    const order = new Map(TASK_STATUSES.map((s, i) => [s, i]));
    return rows.sort((a, b) => order.get(a.status)! - order.get(b.status)!).map((r) => this.#task(r));
  }

  get(id: unknown): Task {
    const taskId = checkId(id);
    const raw = this.#db.prepare('SELECT * FROM tasks WHERE id = ? AND deleted_at IS NULL').get(taskId) as Raw | undefined;
    if (!raw) throw new AppError('not_found', `There is no task #${taskId}. It may have been removed.`);
    return this.#task(raw);
  }

  create(title: unknown, description: unknown, actor: AuditActor, extras: TaskCreateExtras = {}): Task {
    const cleanTitle = checkTitle(title);
    const cleanDescription = checkDescription(description);
    const status = extras.status === undefined ? 'todo' : checkStatus(extras.status);
    const assignee = checkAssignee(extras.assignee);
    const count = this.#db.prepare('SELECT count(*) FROM tasks WHERE deleted_at IS NULL').pluck().get() as number;
    if (count >= TASK_LIMIT) {
      throw new AppError('conflict', `The board already holds ${TASK_LIMIT.toLocaleString('en')} tasks, its limit. Finish or archive some first.`);
    }
    const at = this.#now().toISOString();
    const id = this.#db.transaction(() => {
      const position = this.#db.prepare('SELECT coalesce(max(position) + 1, 0) FROM tasks WHERE status = ? AND deleted_at IS NULL').pluck().get(status) as number;
      const info = this.#db
        .prepare(
          `INSERT INTO tasks (title, description, status, assignee, created_by, created_at, updated_at, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(cleanTitle, cleanDescription, status, assignee, actor, at, at, position);
      return Number(info.lastInsertRowid);
    })();
    const task = this.get(id);
    this.#audit.append('task_created', actor, `task:${id}`, { title: task.title, status: task.status });
    this.#changed(task, 'created');
    return task;
  }

  /**
   * Edits title, description or assignee; a `status` among the fields moves
   * the task to the end of that column. Nothing is written unless every
   * field is valid.
   */
  update(id: unknown, fields: TaskEdit, actor: AuditActor): Task {
    const before = this.get(id);
    const next = {
      title: fields.title === undefined ? before.title : checkTitle(fields.title),
      description: fields.description === undefined ? before.description : checkDescription(fields.description),
      assignee: fields.assignee === undefined ? before.assignee : checkAssignee(fields.assignee),
    };
    const status = fields.status === undefined ? before.status : checkStatus(fields.status);
    const textChanged = next.title !== before.title || next.description !== before.description || next.assignee !== before.assignee;
    if (textChanged) {
      this.#db
        .prepare('UPDATE tasks SET title = ?, description = ?, assignee = ?, updated_at = ? WHERE id = ?')
        .run(next.title, next.description, next.assignee, this.#now().toISOString(), before.id);
    }
    if (status !== before.status) return this.#move(before, status, undefined, actor);
    if (!textChanged) return before;
    const task = this.get(before.id);
    this.#changed(task, 'updated');
    return task;
  }

  /** Moves a task to the end of a column (or to `index` within it). */
  updateStatus(id: unknown, status: unknown, actor: AuditActor, index?: number): Task {
    const before = this.get(id);
    return this.#move(before, checkStatus(status), index, actor);
  }

  /**
   * Takes a task off the board. It is kept until the next start, so
   * `restore` (the undo of the toast) brings it back where it was.
   */
  delete(id: unknown, actor: AuditActor): Task {
    const task = this.get(id);
    this.#db.prepare('UPDATE tasks SET deleted_at = ? WHERE id = ?').run(this.#now().toISOString(), task.id);
    this.#audit.append('task_deleted', actor, `task:${task.id}`, { title: task.title, status: task.status });
    this.#changed(task, 'deleted');
    return task;
  }

  /** Puts a task deleted since the last start back in its column, at its old place. */
  restore(id: unknown, actor: AuditActor): Task {
    const taskId = checkId(id);
    const gone = this.#db.prepare('SELECT status, position FROM tasks WHERE id = ? AND deleted_at IS NOT NULL').get(taskId) as Pick<Raw, 'status' | 'position'> | undefined;
    if (!gone) throw new AppError('not_found', `Task #${taskId} cannot be brought back any more.`);
    this.#db.transaction(() => {
      const others = this.#columnIds(gone.status);
      const order = [...others.slice(0, gone.position), taskId, ...others.slice(gone.position)];
      const setPosition = this.#db.prepare('UPDATE tasks SET position = ? WHERE id = ?');
      order.forEach((id, position) => setPosition.run(position, id));
      this.#db.prepare('UPDATE tasks SET deleted_at = NULL WHERE id = ?').run(taskId);
    })();
    const task = this.get(taskId);
    this.#audit.append('task_restored', actor, `task:${task.id}`, { title: task.title, status: task.status });
    this.#changed(task, 'restored');
    return task;
  }

  /** Called after every change, with the task as it now is; returns the unsubscribe. */
  onChange(listener: TaskChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #move(before: Task, status: TaskStatus, index: number | undefined, actor: AuditActor): Task {
    const others = this.#db
      .prepare('SELECT id FROM tasks WHERE status = ? AND id != ? AND deleted_at IS NULL ORDER BY position, id')
      .pluck()
      .all(status, before.id) as number[];
    const at = index === undefined ? others.length : Math.max(0, Math.min(Math.trunc(index), others.length));
    const sameColumn = status === before.status;
    if (sameColumn && this.#columnIds(status).indexOf(before.id) === at) return before;
    const order = [...others.slice(0, at), before.id, ...others.slice(at)];
    this.#db.transaction(() => {
      const setPosition = this.#db.prepare('UPDATE tasks SET position = ? WHERE id = ?');
      order.forEach((taskId, position) => setPosition.run(position, taskId));
      this.#db.prepare('UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?').run(status, this.#now().toISOString(), before.id);
    })();
    const task = this.get(before.id);
    if (!sameColumn) {
      this.#audit.append('task_status_changed', actor, `task:${task.id}`, { title: task.title, from: before.status, to: status });
    }
    this.#changed(task, 'moved');
    return task;
  }

  #columnIds(status: TaskStatus): number[] {
    return this.#db.prepare('SELECT id FROM tasks WHERE status = ? AND deleted_at IS NULL ORDER BY position, id').pluck().all(status) as number[];
  }

  #changed(task: Task, kind: TaskChangeKind): void {
    this.#events.emit('tasks.changed', { kind, task });
    for (const listener of this.#listeners) {
      // The change is committed; a failing listener (say, the search index) must not make it look failed.
      try {
        listener(task, kind);
      } catch (err) {
        this.#log?.error(`tasks: a change listener failed on task ${task.id}`, err);
      }
    }
  }

  #task(r: Raw): Task {
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      status: r.status,
      assignee: r.assignee,
      createdBy: r.created_by,
      createdByName: this.#nameOf(r.created_by),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      position: r.position,
    };
  }
}
