import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiContext, ApiTable } from './context.ts';

/** A project the user added; its folder is the only place git runs for a plugin. */
function folderOf(ctx: ApiContext, projectId: string): string {
  const project = ctx.services.capabilities.projects.get(projectId);
  if (!project) throw new AppError('not_found', `There is no project ${projectId.slice(0, 100)}; plugins read only the projects added in Switchboard`);
  return project.path;
}

/** `git`: read-only, in project folders, run by main with fixed arguments. */
export const gitApi = {
  'git.log': async (ctx, { projectId, limit }) => ctx.services.capabilities.git.log(folderOf(ctx, projectId), limit ?? 20),
  'git.status': async (ctx, { projectId }) => ctx.services.capabilities.git.status(folderOf(ctx, projectId)),
  'git.branch': async (ctx, { projectId }) => ctx.services.capabilities.git.branch(folderOf(ctx, projectId)),
  'git.diff': async (ctx, { projectId, path }) => ctx.services.capabilities.git.diff(folderOf(ctx, projectId), path),
} satisfies Partial<ApiTable>;
