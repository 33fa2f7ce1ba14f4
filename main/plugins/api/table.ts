import type { ApiTable } from './context.ts';
import { eventsApi } from './events.ts';
import { hooksApi } from './hooks.ts';
import { messagesApi } from './messages.ts';
import { notificationsApi } from './notifications.ts';
import { paletteApi } from './palette.ts';
import { settingsApi } from './settings.ts';
import { storageApi } from './storage.ts';
import { tasksApi } from './tasks.ts';
import { uiApi } from './ui.ts';
import { agentsApi } from './agents.ts';
import { auditApi } from './audit.ts';
import { filesApi } from './files.ts';
import { gitApi } from './git.ts';
import { netApi } from './net.ts';
import { permissionsApi } from './permissions.ts';
import { sessionsApi } from './sessions.ts';

/**
 * Every API method and the capability module that performs it. The type
 * makes a method in app/plugin-protocol.ts without a handler here a compile
 * error. Only the gate (gate.ts) calls into this table.
 */
export const API_TABLE: ApiTable = {
  ...paletteApi,
  ...eventsApi,
  ...notificationsApi,
  ...messagesApi,
  ...tasksApi,
  ...settingsApi,
  ...storageApi,
  ...uiApi,
  ...hooksApi,
  ...netApi,
  ...filesApi,
  ...gitApi,
  ...sessionsApi,
  ...auditApi,
  ...agentsApi,
  ...permissionsApi,
};
