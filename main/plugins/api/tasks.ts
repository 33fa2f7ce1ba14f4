import type { ApiTable } from './context.ts';

/** `tasks`: the task board; the task service audits what a plugin changes. */
export const tasksApi = {
  'tasks.list': async (ctx) => ctx.services.tasks.list(),
  'tasks.create': async (ctx, { title, description }) => ctx.services.tasks.create(title, description, ctx.actor),
  'tasks.updateStatus': async (ctx, { id, status }) => ctx.services.tasks.updateStatus(id, status, ctx.actor),
} satisfies Partial<ApiTable>;
