import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiTable } from './context.ts';

const MAX_HOOKS = 20;

/** `hooks`: handlers the bus runs over prompts before they reach an agent, and replies after. */
export const hooksApi = {
  'hooks.register': async (ctx, { key, stage, priority, timeoutMs }) => {
    const { hooks } = ctx.registered;
    if (hooks.size >= MAX_HOOKS && !hooks.has(key)) throw new AppError('conflict', `A plugin may register at most ${MAX_HOOKS} hooks`);
    hooks.set(key, { stage, priority, timeoutMs });
    return null;
  },
} satisfies Partial<ApiTable>;
