import { INSTALL_PHASES } from '../../../../app/contract/marketplace.ts';
import { Button, CheckIcon } from '../../ui/index.ts';
import { cancelOperation } from './actions.ts';
import { formatBytes } from './permissions.tsx';
import type { ProgressValue } from './useMarketplace.ts';

const LABELS: Record<(typeof INSTALL_PHASES)[number], string> = {
  downloading: 'Downloading',
  extracting: 'Unpacking',
  verifying: 'Checking',
  installing: 'Installing',
};

type StepState = 'done' | 'current' | 'pending';

/** What a screen reader hears after each step's name; the eye reads the same from its mark. */
const STATE_WORDS: Record<StepState, string> = { done: ', done', current: ', in progress', pending: ', not started' };

const stepOf = (progress: ProgressValue): number => Math.max(0, INSTALL_PHASES.findIndex((phase) => phase === progress.phase));

/**
 * One bar over the whole install: the download fills the first quarter by
 * its bytes, each later step the next, so "Checking…" never shows an empty bar.
 */
export function ProgressBar({ progress }: { progress: ProgressValue }) {
  const step = stepOf(progress);
  const within = progress.phase === 'downloading' ? (progress.total ? Math.min(1, progress.received / progress.total) : 0) : 0.5;
  const percent = Math.round(((step + within) / INSTALL_PHASES.length) * 100);
  const detail = progress.phase === 'downloading' && progress.total ? ` ${formatBytes(progress.received)} of ${formatBytes(progress.total)}` : '';
  const label = `${LABELS[INSTALL_PHASES[step]!]}…${detail}`;
  return (
    <span className="market-progress">
      <span
        className="market-progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${label}, step ${step + 1} of ${INSTALL_PHASES.length}`}
        aria-label={progress.operation === 'update' ? 'Updating' : 'Installing'}
      >
        <span className="market-progress-fill" style={{ width: `${percent}%` }} />
      </span>
      <span className="market-progress-label">{label}</span>
      {progress.phase === 'downloading' ? (
        <Button size="sm" variant="ghost" onClick={() => void cancelOperation(progress.pluginId)}>
          Cancel
        </Button>
      ) : null}
    </span>
  );
}

/** Every step of the install with its state: the ones done ticked, the one under way marked, the rest still to come. */
export function InstallSteps({ progress }: { progress: ProgressValue }) {
  const step = stepOf(progress);
  return (
    <ol className="market-steps" aria-label={progress.operation === 'update' ? 'Update steps' : 'Install steps'}>
      {INSTALL_PHASES.map((phase, i) => {
        const state: StepState = i < step ? 'done' : i === step ? 'current' : 'pending';
        return (
          <li key={phase} className={`market-step is-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            {state === 'done' ? <CheckIcon size={12} /> : <span className="market-step-dot" aria-hidden="true" />}
            {LABELS[phase]}
            <span className="visually-hidden">{STATE_WORDS[state]}</span>
          </li>
        );
      })}
    </ol>
  );
}
