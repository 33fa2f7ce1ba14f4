import { SAVE_LIMITS, saveThroughDialog } from '../../files/plugin-files.ts';
import type { ApiTable } from './context.ts';

/** `files`: the save dialog (the user picks the place) and the plugin's own data folder (plain names only). */
export const filesApi = {
  'files.save': async (ctx, { suggestedName, content, mimeType }) => {
    const name = await saveThroughDialog(ctx.services.capabilities.saveDialog, { pluginName: ctx.name(), suggestedName, content, ...(mimeType ? { mimeType } : {}) });
    if (name !== null) ctx.services.audit('plugin_file_saved', ctx.actor, name, { bytes: Buffer.byteLength(content) });
    return name;
  },
  'files.saveCopy': async (ctx, { names, suggestedName, mimeType }) => {
    const content = await ctx.services.capabilities.files.concat(ctx.pluginId, names, SAVE_LIMITS.maxBytes);
    const name = await saveThroughDialog(ctx.services.capabilities.saveDialog, { pluginName: ctx.name(), suggestedName, content, ...(mimeType ? { mimeType } : {}) });
    if (name !== null) ctx.services.audit('plugin_file_saved', ctx.actor, name, { bytes: content.length, from: names.length === 1 ? names[0] : `${names.length} files` });
    return name;
  },
  'files.append': async (ctx, { name, text }) => ctx.services.capabilities.files.append(ctx.pluginId, name, text),
  'files.read': async (ctx, { name }) => ctx.services.capabilities.files.read(ctx.pluginId, name),
  'files.list': async (ctx) => ctx.services.capabilities.files.list(ctx.pluginId),
  'files.remove': async (ctx, { name }) => ctx.services.capabilities.files.remove(ctx.pluginId, name),
} satisfies Partial<ApiTable>;
