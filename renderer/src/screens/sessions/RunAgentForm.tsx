import { useState } from 'react';
import { AGENT_PROVIDERS, PROVIDER_LABELS, type ProjectInfo } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { Banner, Button, errorMessage } from '../../ui/index.ts';

/** Starts Claude Code or Codex in the project's folder. A plugin's pre_flight hook may refuse the prompt; the reason is shown here. */
export function RunAgentForm({ project, onStarted }: { project: ProjectInfo; onStarted(sessionId: string): void }) {
  const [prompt, setPrompt] = useState('');
  const [provider, setProvider] = useState<string>('claude');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ title: string; text: string } | null>(null);

  const run = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const outcome = await api.invoke('sessions.run', { projectId: project.id, provider, prompt });
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
      {problem ? <Banner tone="danger" title={problem.title}>{problem.text}</Banner> : null}
    </form>
  );
}
