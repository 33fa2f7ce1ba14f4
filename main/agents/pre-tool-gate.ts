import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PluginBus } from '../plugins/control.ts';
import type { Logger } from '../log/logger.ts';

/**
 * The `pre_tool` hook stage for Claude Code runs the app starts. Each run is
 * given settings with a PreToolUse hook of Claude Code's own `http` type,
 * pointed at this server on 127.0.0.1 under a path and a token only that run
 * knows (the token reaches the CLI in its environment, never on its command
 * line). Every tool call the agent is about to make is put to the plugins'
 * pre_tool hooks; a block becomes Claude Code's "deny" with the hook's
 * reason, which the agent receives. Anything else lets Claude Code's own
 * permission rules decide, as if there were no hook.
 */

export const PRE_TOOL_TOKEN_ENV = 'SWITCHBOARD_PRE_TOOL_TOKEN';
/** How long Claude Code waits for the hook; plugin hooks have their own, shorter deadlines. */
const HOOK_TIMEOUT_SECONDS = 30;
const MAX_BODY_BYTES = 1024 * 1024;

export interface PreToolRun {
  /** `--settings` for the CLI. */
  settings: string;
  env: Record<string, string>;
  close(): void;
}

interface OpenRun {
  token: Buffer;
  sessionId: string;
}

/** What Claude Code posts for a PreToolUse hook. */
interface PreToolInput {
  hook_event_name?: string;
  tool_name?: unknown;
  tool_input?: unknown;
  tool_use_id?: unknown;
  session_id?: unknown;
  cwd?: unknown;
}

export class PreToolGate {
  readonly #bus: () => PluginBus | undefined;
  readonly #log: Logger;
  readonly #runs = new Map<string, OpenRun>();
  #server: Server | undefined;
  #listening: Promise<number> | undefined;

  constructor(bus: () => PluginBus | undefined, log: Logger) {
    this.#bus = bus;
    this.#log = log;
  }

  /** Opens the hook for one run; `close()` when the run ends, after which its token is refused. */
  async open(sessionId: string): Promise<PreToolRun> {
    const port = await this.#listen();
    const path = randomBytes(12).toString('hex');
    const token = randomBytes(24).toString('hex');
    this.#runs.set(path, { token: Buffer.from(token), sessionId });
    const settings = {
      hooks: {
        PreToolUse: [
          {
            matcher: '*',
            hooks: [
              {
                type: 'http',
                url: `http://127.0.0.1:${port}/pre-tool/${path}`,
                headers: { Authorization: `Bearer $${PRE_TOOL_TOKEN_ENV}` },
                allowedEnvVars: [PRE_TOOL_TOKEN_ENV],
                timeout: HOOK_TIMEOUT_SECONDS,
              },
            ],
          },
        ],
      },
    };
    return { settings: JSON.stringify(settings), env: { [PRE_TOOL_TOKEN_ENV]: token }, close: () => this.#runs.delete(path) };
  }

  async close(): Promise<void> {
    this.#runs.clear();
    const server = this.#server;
    this.#server = undefined;
    this.#listening = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #listen(): Promise<number> {
    this.#listening ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => void this.#serve(req, res));
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
      server.unref();
      this.#server = server;
    });
    return this.#listening;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const match = /^\/pre-tool\/([0-9a-f]{24})$/.exec(req.url ?? '');
    const run = match ? this.#runs.get(match[1]!) : undefined;
    const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (req.method !== 'POST' || !run || given.length !== run.token.length || !timingSafeEqual(given, run.token)) {
      answer(404, { error: 'not found' });
      return;
    }
    let input: PreToolInput;
    try {
      input = JSON.parse(await readBody(req)) as PreToolInput;
    } catch (err) {
      answer(400, { error: (err as Error).message });
      return;
    }
    const tool = typeof input.tool_name === 'string' ? input.tool_name : '';
    const bus = this.#bus();
    if (!bus || !tool) {
      answer(200, {});
      return;
    }
    try {
      const outcome = await bus.runHooks('pre_tool', tool, {
        tool_name: tool,
        tool_input: input.tool_input ?? {},
        tool_use_id: typeof input.tool_use_id === 'string' ? input.tool_use_id : null,
        session_id: run.sessionId,
        agent_session_id: typeof input.session_id === 'string' ? input.session_id : null,
        cwd: typeof input.cwd === 'string' ? input.cwd : null,
      });
      if (outcome.action !== 'block') {
        answer(200, {});
        return;
      }
      answer(200, {
        hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: `${outcome.message} (Switchboard plugin ${outcome.pluginId})` },
      });
    } catch (err) {
      this.#log.warn(`agents: a pre_tool hook chain failed; the tool call goes on to Claude Code's own rules`, err);
      answer(200, {});
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('The hook input is too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
