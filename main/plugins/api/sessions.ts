import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiTable } from './context.ts';

/** `sessions`: the stored history (what `messages` streams live, from the start). Projects by name need no permission. */
export const sessionsApi = {
  'projects.list': async (ctx) => ctx.services.capabilities.projects.list().map(({ id, name }) => ({ id, name })),
  'projects.scratchCopy': async (ctx, { projectId }) => {
    const copy = await ctx.services.capabilities.scratch.copy(ctx.pluginId, projectId);
    ctx.services.audit('scratch_copy_created', ctx.actor, copy.projectId, { from: projectId });
    return copy;
  },
  'projects.scratchDiff': async (ctx, { projectId }) => ctx.services.capabilities.scratch.diff(ctx.pluginId, projectId),
  'sessions.list': async (ctx, { projectId, limit }) => ctx.services.capabilities.sessions.list({ ...(projectId ? { projectId } : {}), limit: limit ?? 50 }),
  'sessions.get': async (ctx, { id }) => ctx.services.capabilities.sessions.get(id) ?? null,
  'sessions.messages': async (ctx, { id, afterSeq, limit }) => {
    if (!ctx.services.capabilities.sessions.get(id)) throw new AppError('not_found', `There is no session ${id.slice(0, 100)}`);
    return ctx.services.capabilities.sessions.messages(id, afterSeq ?? -1, limit ?? 200);
  },
  'sessions.current': async (ctx) => ctx.services.capabilities.sessions.current(),
} satisfies Partial<ApiTable>;
