import type { Static, TSchema } from '@sinclair/typebox';
import { agentChannels, agentEvents } from './agents.ts';
import { appChannels, appEvents } from './app.ts';
import { auditChannels, auditEvents } from './audit.ts';
import { marketplaceChannels, marketplaceEvents } from './marketplace.ts';
import { metricsChannels, metricsEvents } from './metrics.ts';
import { notificationChannels, notificationEvents } from './notifications.ts';
import { pluginChannels, pluginEvents } from './plugins.ts';
import { searchChannels } from './search.ts';
import { secretChannels, secretEvents } from './secrets.ts';
import { settingsChannels, settingsEvents } from './settings.ts';
import { taskChannels, taskEvents } from './tasks.ts';
import { updateChannels, updateEvents } from './updates.ts';

/**
 * Every IPC channel of the app: its argument schema (validated in main) and
 * its result schema. Capabilities add their channel groups here.
 */
export const channels = {
  ...appChannels,
  ...settingsChannels,
  ...notificationChannels,
  ...auditChannels,
  ...marketplaceChannels,
  ...secretChannels,
  ...taskChannels,
  ...pluginChannels,
  ...agentChannels,
  ...searchChannels,
  ...metricsChannels,
  ...updateChannels,
} as const satisfies Record<string, { args: TSchema; result: TSchema }>;

/** Every push event main sends to windows. */
export const events = {
  ...appEvents,
  ...settingsEvents,
  ...notificationEvents,
  ...auditEvents,
  ...marketplaceEvents,
  ...secretEvents,
  ...taskEvents,
  ...pluginEvents,
  ...agentEvents,
  ...metricsEvents,
  ...updateEvents,
} as const satisfies Record<string, TSchema>;

export type Channel = keyof typeof channels;
export type ArgsOf<C extends Channel> = Static<(typeof channels)[C]['args']>;
export type ResultOf<C extends Channel> = Static<(typeof channels)[C]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = Static<(typeof events)[E]>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** What preload (Electron) or the WebSocket bridge (harness) puts on `window.switchboard`. */
export interface SwitchboardApi {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Transport names shared by preload and the Electron root. */
export { IPC_EVENT, IPC_INVOKE } from './transport.ts';

export * from './envelope.ts';
