import { Type } from '@sinclair/typebox';
import { HOOK_STAGES, type HookStage } from './messages.ts';

/**
 * When a plugin's process runs (after VS Code's activationEvents). A plugin
 * that declares none starts with the app, as every plugin did before; one
 * that declares some sleeps until one of them happens, and is stopped again
 * once it has been idle a while — except for `onStartup`, which keeps it
 * running.
 */
export const ACTIVATION_EVENT_PATTERN_SOURCE = `^(onStartup|onMessage|onPanel|onCommand:.{1,100}|onEvent:[A-Za-z0-9._:-]{1,100}|onHook:(${HOOK_STAGES.join('|')}))$`;

export const ActivationEventsSchema = Type.Array(Type.String({ pattern: ACTIVATION_EVENT_PATTERN_SOURCE }), {
  maxItems: 100,
  uniqueItems: true,
  description:
    'When the plugin starts: onStartup, onCommand:<label>, onMessage, onEvent:<name>, onHook:<stage>, onPanel. None: it starts with the app. Otherwise it sleeps until one happens and stops again after a while without use (onStartup keeps it running).',
});

export const ContributedCommandSchema = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 100, description: 'The palette label; the plugin registers a command with the same label when it starts.' }),
    takesArgument: Type.Optional(Type.Boolean({ description: 'The palette asks for text before running it.' })),
  },
  { additionalProperties: false },
);

export const ContributesSchema = Type.Object(
  {
    commands: Type.Optional(
      Type.Array(ContributedCommandSchema, { maxItems: 100, description: 'Commands shown in the palette before the plugin runs; choosing one starts it.' }),
    ),
  },
  { additionalProperties: true },
);

export interface ContributedCommand {
  label: string;
  takesArgument: boolean;
}

/** The activation events, read once from the manifest. */
export interface ActivationPlan {
  /** Starts with the app: it declared no events, or onStartup. */
  atStartup: boolean;
  /** Stopped after being idle: it declared events, none of them onStartup. */
  sleepsWhenIdle: boolean;
  commands: Set<string>;
  onMessage: boolean;
  events: Set<string>;
  hooks: Set<HookStage>;
  onPanel: boolean;
}

export function activationPlan(events: readonly string[], contributed: readonly ContributedCommand[]): ActivationPlan {
  const plan: ActivationPlan = {
    atStartup: events.length === 0 || events.includes('onStartup'),
    sleepsWhenIdle: events.length > 0 && !events.includes('onStartup'),
    commands: new Set(contributed.map((c) => c.label)),
    onMessage: events.includes('onMessage'),
    events: new Set(),
    hooks: new Set(),
    onPanel: events.includes('onPanel'),
  };
  for (const event of events) {
    const colon = event.indexOf(':');
    const value = event.slice(colon + 1);
    if (event.startsWith('onCommand:')) plan.commands.add(value);
    else if (event.startsWith('onEvent:')) plan.events.add(value);
    else if (event.startsWith('onHook:')) plan.hooks.add(value as HookStage);
  }
  return plan;
}

/** "you run “Export”, an agent message arrives or its page is opened", for the plugin page. */
export function describeWakeUps(plan: ActivationPlan): string {
  const parts: string[] = [];
  if (plan.commands.size) parts.push(`you run ${[...plan.commands].map((c) => `“${c}”`).join(', ')}`);
  if (plan.onMessage) parts.push('an agent message arrives');
  if (plan.events.size) parts.push(`the event ${[...plan.events].join(', ')} happens`);
  if (plan.hooks.size) parts.push(`the ${[...plan.hooks].join(', ')} hook runs`);
  if (plan.onPanel) parts.push('its page is opened');
  if (parts.length === 0) return 'you restart it';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}
