import type { ApiTable } from './context.ts';

/** `messages`: every agent message as it arrives (the bus delivers them). */
export const messagesApi = {
  'messages.subscribe': async (ctx) => {
    ctx.registered.messages = true;
    return null;
  },
} satisfies Partial<ApiTable>;
