import { AppError } from '../../../app/contract/envelope.ts';
import { checkPanel } from '../envelope.ts';
import type { ApiTable } from './context.ts';

/** `panels`: a panel of plain data on the plugin's page, drawn by the app (never plugin HTML); `status`: a status bar item. */
export const uiApi = {
  'ui.setPanel': async (ctx, { panel }) => {
    if (panel === null) {
      ctx.setPanel(null);
      return null;
    }
    const checked = checkPanel(panel);
    if (!checked.ok) throw new AppError('invalid_argument', checked.reason);
    ctx.setPanel(checked.value);
    return null;
  },
  'ui.setStatus': async (ctx, { text, tooltip }) => {
    ctx.setStatus(text === null ? null : { text, tooltip: tooltip ?? null });
    return null;
  },
} satisfies Partial<ApiTable>;
