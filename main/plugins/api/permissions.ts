import { AppError } from '../../../app/contract/envelope.ts';
import { PERMISSION_TEXT } from '../../../app/permissions.ts';
import type { ApiTable } from './context.ts';

/**
 * `agor.permissions.request(name, reason)`: a permission the manifest lists
 * under `optionalPermissions`, asked for when a feature needs it. Main puts
 * the question to the user and records the answer; a refusal rejects.
 */
export const permissionsApi = {
  'permissions.request': async (ctx, { name, reason }) => {
    if (ctx.granted(name)) return true;
    const manifest = ctx.manifest();
    if (!manifest?.optionalPermissions.includes(name) && !manifest?.permissions.includes(name)) {
      throw new AppError('permission_denied', `${ctx.name()} cannot ask for '${name}': its manifest does not list it in optionalPermissions`);
    }
    const allowed = await ctx.askUser({ kind: 'permission', pluginId: ctx.pluginId, pluginName: ctx.name(), permission: name, reason });
    if (!allowed) {
      ctx.services.audit('permission_request_refused', 'user', name, { plugin: ctx.pluginId, reason });
      throw new AppError('permission_denied', `The user did not grant '${PERMISSION_TEXT[name].title}' (${name}) to ${ctx.name()}`);
    }
    ctx.services.grants.grant(ctx.pluginId, name, 'user');
    return true;
  },
} satisfies Partial<ApiTable>;
