import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiTable } from './context.ts';

const MAX_COMMANDS = 100;

/** `palette`: commands in the command palette. */
export const paletteApi = {
  'palette.registerCommand': async (ctx, { key, label, takesArgument }) => {
    const { commands } = ctx.registered;
    if (commands.size >= MAX_COMMANDS && !commands.has(key)) throw new AppError('conflict', `A plugin may register at most ${MAX_COMMANDS} commands`);
    commands.set(key, { label, takesArgument });
    if (ctx.running()) ctx.changed();
    return null;
  },
} satisfies Partial<ApiTable>;
