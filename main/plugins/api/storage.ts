import type { ApiTable } from './context.ts';

/** Key-value storage of the plugin's own, within STORAGE_LIMITS; it needs no permission. */
export const storageApi = {
  'storage.get': async (ctx, { key }) => ctx.services.store.get(ctx.pluginId, key),
  'storage.set': async (ctx, { key, value }) => {
    ctx.services.store.set(ctx.pluginId, key, value);
    return null;
  },
  'storage.delete': async (ctx, { key }) => ctx.services.store.delete(ctx.pluginId, key),
  'storage.keys': async (ctx) => ctx.services.store.keys(ctx.pluginId),
} satisfies Partial<ApiTable>;
