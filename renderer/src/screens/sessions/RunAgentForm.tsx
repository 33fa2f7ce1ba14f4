import { useEffect, useRef, useState } from 'react';
import { AGENT_PROVIDERS, PERMISSION_MODES, PROVIDER_LABELS, type PermissionMode, type ProjectInfo, type ToolPermissionSettings } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { Banner, Button, Field, useFormErrors } from '../../ui/index.ts';

const PERMISSION_FIELDS = ['permissions.permissionMode', 'permissions.allowedTools', 'permissions.disallowedTools'];
const RUN_FIELDS = ['prompt', 'provider', ...PERMISSION_FIELDS];

/**
 * Starts Claude Code or Codex in the project's folder. Main judges the prompt and the tool rules and
 * words each refused field; a plugin's pre_flight hook may refuse the prompt, and its reason shows here.
 */
export function RunAgentForm({ project, onStarted }: { project: ProjectInfo; onStarted(sessionId: string): void }) {
  const [prompt, setPrompt] = useState('');
  const [provider, setProvider] = useState<string>('claude');
  const [busy, setBusy] = useState(false);
  const [blocked, setBlocked] = useState<{ pluginId: string; message: string } | null>(null);
  const errors = useFormErrors(RUN_FIELDS);
  const saved = project.permissions;
  const [mode, setMode] = useState<PermissionMode | ''>(saved.permissionMode ?? '');
  const [allowed, setAllowed] = useState((saved.allowedTools ?? []).join(', '));
  const [denied, setDenied] = useState((saved.disallowedTools ?? []).join(', '));
  const [remember, setRemember] = useState(false);
  const details = useRef<HTMLDetailsElement>(null);
  const refusedRule = PERMISSION_FIELDS.some((field) => errors.field(field));
  // A refused tool rule is shown where it was typed, so the folded permissions open to show it.
  useEffect(() => {
    if (refusedRule && details.current) details.current.open = true;
  }, [refusedRule]);

  const permissions = (): ToolPermissionSettings => ({
    ...(mode ? { permissionMode: mode } : {}),
    allowedTools: splitRules(allowed),
    disallowedTools: splitRules(denied),
  });

  const run = async () => {
    setBusy(true);
    setBlocked(null);
    errors.clear();
    try {
      // Main checks the rules with the run (Codex ignores them), so a refused run saves nothing either.
      const rules = permissions();
      const outcome = await api.invoke('sessions.run', { projectId: project.id, provider, prompt, ...(provider === 'claude' || remember ? { permissions: rules } : {}) });
      if (remember) await api.invoke('projects.setPermissions', { id: project.id, permissions: rules });
      if (outcome.status === 'blocked') {
        setBlocked({ pluginId: outcome.pluginId, message: outcome.message });
      } else {
        setPrompt('');
        onStarted(outcome.sessionId);
      }
    } catch (e) {
      errors.fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="run-agent panel"
      aria-label="Run agent"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <div className="run-agent-head">
        <strong>Run an agent in {project.name}</strong>
        <span className="mono run-agent-path" title={project.path}>{project.path}</span>
      </div>
      <Field label="Prompt" error={errors.field('prompt')}>
        <textarea
          className="input run-agent-prompt"
          placeholder="What should the agent do?"
          value={prompt}
          rows={3}
          onChange={(e) => setPrompt(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              void run();
            }
          }}
        />
      </Field>
      <div className="run-agent-actions">
        <Field inline label="Agent" error={errors.field('provider')}>
          <select className="select" value={provider} onChange={(e) => setProvider(e.target.value)}>
            {AGENT_PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABELS[p]}
              </option>
            ))}
          </select>
        </Field>
        <Button type="submit" variant="primary" busy={busy}>
          Run agent
        </Button>
      </div>
      <details className="run-agent-permissions" ref={details}>
        <summary>Tool permissions{mode || allowed || denied ? ' (set)' : ''}</summary>
        <div className="run-agent-permissions-body">
          <p className="run-agent-hint">Claude Code only. In a run nobody can answer its questions, so a tool it would ask about is refused unless it is allowed here.</p>
          <Field label="Permission mode" error={errors.field('permissions.permissionMode')}>
            <select className="select" value={mode} onChange={(e) => setMode(e.target.value as PermissionMode | '')}>
              <option value="">Claude Code's setting</option>
              {PERMISSION_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </Field>
          <Field label="Allowed tools" error={errors.field('permissions.allowedTools')}>
            <input className="input mono" value={allowed} placeholder="Read, Edit, Bash(npm test:*)" onChange={(e) => setAllowed(e.target.value)} spellCheck={false} />
          </Field>
          <Field label="Denied tools" error={errors.field('permissions.disallowedTools')}>
            <input className="input mono" value={denied} placeholder="WebFetch, Bash(git push:*)" onChange={(e) => setDenied(e.target.value)} spellCheck={false} />
          </Field>
          <label className="run-agent-remember">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Save for {project.name}
          </label>
        </div>
      </details>
      {blocked ? <Banner tone="danger" title={`Blocked by plugin ${blocked.pluginId}`}>{blocked.message}</Banner> : null}
      {errors.form ? <Banner tone="danger" title="The agent was not started">{errors.form}</Banner> : null}
    </form>
  );
}

/** "Read, Edit, Bash(git diff:*)" as rules: commas inside a pattern's parentheses stay in it. */
function splitRules(text: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      if (current.trim()) rules.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) rules.push(current.trim());
  return rules;
}
