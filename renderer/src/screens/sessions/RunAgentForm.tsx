import { useState } from 'react';
import { AGENT_PROVIDERS, PERMISSION_MODES, PROVIDER_LABELS, type PermissionMode, type ProjectInfo, type ToolPermissionSettings } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { Banner, Button, errorMessage } from '../../ui/index.ts';

/** Starts Claude Code or Codex in the project's folder. A plugin's pre_flight hook may refuse the prompt; the reason is shown here. */
export function RunAgentForm({ project, onStarted }: { project: ProjectInfo; onStarted(sessionId: string): void }) {
  const [prompt, setPrompt] = useState('');
  const [provider, setProvider] = useState<string>('claude');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ title: string; text: string } | null>(null);
  const saved = project.permissions;
  const [mode, setMode] = useState<PermissionMode | ''>(saved.permissionMode ?? '');
  const [allowed, setAllowed] = useState((saved.allowedTools ?? []).join(', '));
  const [denied, setDenied] = useState((saved.disallowedTools ?? []).join(', '));
  const [remember, setRemember] = useState(false);

  const permissions = (): ToolPermissionSettings => ({
    ...(mode ? { permissionMode: mode } : {}),
    allowedTools: splitRules(allowed),
    disallowedTools: splitRules(denied),
  });

  const run = async () => {
    setBusy(true);
    setProblem(null);
    try {
      if (remember) await api.invoke('projects.setPermissions', { id: project.id, permissions: permissions() });
      const outcome = await api.invoke('sessions.run', { projectId: project.id, provider, prompt, ...(provider === 'claude' ? { permissions: permissions() } : {}) });
      if (outcome.status === 'blocked') {
        setProblem({ title: `Blocked by plugin ${outcome.pluginId}`, text: outcome.message });
      } else {
        setPrompt('');
        onStarted(outcome.sessionId);
      }
    } catch (e) {
      setProblem({ title: 'The agent was not started', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="run-agent panel"
      aria-label="Run agent"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <div className="run-agent-head">
        <strong>Run an agent in {project.name}</strong>
        <span className="mono run-agent-path" title={project.path}>{project.path}</span>
      </div>
      <textarea
        className="input run-agent-prompt"
        aria-label="Prompt"
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
      <div className="run-agent-actions">
        <select className="select" aria-label="Agent" value={provider} onChange={(e) => setProvider(e.target.value)}>
          {AGENT_PROVIDERS.map((p) => (
            <option key={p} value={p}>
              {PROVIDER_LABELS[p]}
            </option>
          ))}
        </select>
        <Button type="submit" variant="primary" busy={busy} disabled={!prompt.trim()}>
          Run agent
        </Button>
      </div>
      <details className="run-agent-permissions">
        <summary>Tool permissions{mode || allowed || denied ? ' (set)' : ''}</summary>
        <p className="run-agent-hint">Claude Code only. In a run nobody can answer its questions, so a tool it would ask about is refused unless it is allowed here.</p>
        <label>
          Permission mode
          <select className="select" value={mode} onChange={(e) => setMode(e.target.value as PermissionMode | '')}>
            <option value="">Claude Code's setting</option>
            {PERMISSION_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label>
          Allowed tools
          <input className="input mono" value={allowed} placeholder="Read, Edit, Bash(npm test:*)" onChange={(e) => setAllowed(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Denied tools
          <input className="input mono" value={denied} placeholder="WebFetch, Bash(git push:*)" onChange={(e) => setDenied(e.target.value)} spellCheck={false} />
        </label>
        <label className="run-agent-remember">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Save for {project.name}
        </label>
      </details>
      {problem ? <Banner tone="danger" title={problem.title}>{problem.text}</Banner> : null}
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
