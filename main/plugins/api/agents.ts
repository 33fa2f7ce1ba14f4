import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiTable } from './context.ts';

const FIRST_RUN = 'agent_run';

/**
 * `agents`: a run started exactly as the user's Run agent starts one
 * (pre_flight hooks included). The first run a plugin asks for waits for
 * the user to confirm it; a yes is remembered for that plugin.
 */
export const agentsApi = {
  'agents.run': async (ctx, { projectId, prompt, provider, model }) => {
    const { capabilities, consents } = ctx.services;
    const project = capabilities.projects.get(projectId);
    if (!project) throw new AppError('not_found', `There is no project ${projectId.slice(0, 100)}`);
    if (!consents.has(ctx.pluginId, FIRST_RUN)) {
      const allowed = await ctx.askUser({ kind: 'agent_run', pluginId: ctx.pluginId, pluginName: ctx.name(), projectName: project.name, prompt: prompt.slice(0, 2000) });
      ctx.services.audit(allowed ? 'agent_run_confirmed' : 'agent_run_refused', 'user', ctx.pluginId, { project: project.name });
      if (!allowed) throw new AppError('permission_denied', `The user did not allow ${ctx.name()} to run an agent`);
      consents.remember(ctx.pluginId, FIRST_RUN);
    }
    const run = await capabilities.agents.run({ projectId, prompt, provider: provider ?? 'claude', ...(model ? { model } : {}) });
    ctx.services.audit('agent_run_started', ctx.actor, run.sessionId, { project: project.name, provider: provider ?? 'claude' });
    return run;
  },
} satisfies Partial<ApiTable>;
