import { Type } from '@sinclair/typebox';
import { NoArgs } from './app.ts';

/** The board's columns, in the order they are shown. */
export const TASK_STATUSES = ['todo', 'progress', 'review', 'done', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  todo: 'To do',
  progress: 'In progress',
  review: 'In review',
  done: 'Done',
  blocked: 'Blocked',
};

export const TASK_TITLE_MAX = 200;
export const TASK_DESCRIPTION_MAX = 10_000;
export const TASK_ASSIGNEE_MAX = 100;
/** A runaway plugin must not fill the disk with tasks. */
export const TASK_LIMIT = 10_000;

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value);
}

export const Task = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  status: Type.Union(TASK_STATUSES.map((s) => Type.Literal(s))),
  assignee: Type.Union([Type.String(), Type.Null()]),
  /** The audit actor who created it: `user`, `plugin:<id>`, `agent:<id>` or `app`. */
  createdBy: Type.String(),
  /** Who that is, in words: "You", or the plugin's name. */
  createdByName: Type.String(),
  createdAt: Type.String({ description: 'ISO 8601 time' }),
  updatedAt: Type.String({ description: 'ISO 8601 time' }),
  /** Order within its column, 0 at the top. */
  position: Type.Integer(),
});

/*
 * Status and title are plain strings here on purpose: main checks their
 * meaning in TaskService so the renderer and plugins get the same human
 * message ("Unknown status …", "A task needs a title"), not a schema path.
 */
const Title = Type.String({ maxLength: TASK_TITLE_MAX * 4, words: { empty: 'Give the task a title' } });
const Description = Type.String({ maxLength: TASK_DESCRIPTION_MAX * 2 });
const Status = Type.String({ maxLength: 64 });
const Assignee = Type.Union([Type.String({ maxLength: TASK_ASSIGNEE_MAX * 2 }), Type.Null()]);

export const taskChannels = {
  'tasks.list': { args: NoArgs, result: Type.Object({ tasks: Type.Array(Task) }) },
  'tasks.create': {
    args: Type.Object(
      { title: Title, description: Type.Optional(Description), status: Type.Optional(Status), assignee: Type.Optional(Assignee) },
      { additionalProperties: false },
    ),
    result: Task,
  },
  /** Edits the text of a task; its column changes through tasks.move. */
  'tasks.update': {
    args: Type.Object(
      { id: Type.Integer(), title: Type.Optional(Title), description: Type.Optional(Description), assignee: Type.Optional(Assignee) },
      { additionalProperties: false },
    ),
    result: Task,
  },
  /** Moves a task to a column, at `index` within it (the end when omitted). */
  'tasks.move': {
    args: Type.Object({ id: Type.Integer(), status: Status, index: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
    result: Task,
  },
  /** Takes a task off the board (an audit row); `tasks.restore` undoes it until the app restarts. */
  'tasks.delete': { args: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), result: Task },
  'tasks.restore': { args: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), result: Task },
} as const;

export const taskEvents = {
  'tasks.changed': Type.Object({
    kind: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('moved'), Type.Literal('deleted'), Type.Literal('restored')]),
    task: Task,
  }),
} as const;
