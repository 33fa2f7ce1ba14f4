import type { ApiTable } from './context.ts';

/** `settings`: the plugin's own settings, checked against the schema its manifest declares. */
export const settingsApi = {
  'settings.get': async (ctx, { key }) => ctx.services.store.getSetting(ctx.pluginId, ctx.manifest(), key),
  'settings.set': async (ctx, { key, value }) => {
    ctx.services.store.setSetting(ctx.pluginId, ctx.manifest(), key, value);
    return null;
  },
  'settings.subscribe': async (ctx) => {
    ctx.registered.settings = true;
    return null;
  },
} satisfies Partial<ApiTable>;
