import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CatalogEntryData } from '../../../../app/catalog.ts';
import type { Permission } from '../../../../app/permissions.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { arrowKeys, Badge, Banner, Button, EmptyState, errorMessage, formatRelative, RefreshIcon, SafeText, safeString, SearchIcon, Spinner, StoreIcon } from '../../ui/index.ts';
import type { ScreenProps } from '../types.ts';
import { approveUpdate, installEntry, updatePlugin } from './actions.ts';
import { ApproveUpdateDialog, ConsentDialog, DetailDialog } from './dialogs.tsx';
import { InstallSteps, ProgressBar } from './InstallProgress.tsx';
import { formatBytes, PermissionIcons } from './permissions.tsx';
import { RemoveSourceDialog, SourceDialog } from './SourcesSection.tsx';
import { entryKey, followMarketplace, useMarketplace, type InstalledValue } from './useMarketplace.ts';
import './marketplace.css';

/** The usual row; a card showing an error is taller, and rows measure themselves. */
const ROW_HEIGHT = 176;
const TWO_COLUMNS_FROM = 720;

type SourceValue = NonNullable<ReturnType<typeof useMarketplace.getState>['view']>['sources'][number];

type Dialogs =
  | { kind: 'detail'; key: string }
  | { kind: 'edit-source'; source: SourceValue }
  | { kind: 'remove-source'; source: SourceValue }
  | { kind: 'consent'; key: string }
  | { kind: 'approve'; key: string; newPermissions: Permission[] }
  | null;

/** Browse every catalog, filter, install, update; the list is virtualized so thousands of entries stay smooth. */
export function MarketplaceScreen(_props: ScreenProps) {
  const { view, installed, loading, loadError, load } = useMarketplace();
  const [query, setQuery] = useState('');
  const [tag, setTag] = useState('');
  const [tier, setTier] = useState('');
  const [source, setSource] = useState('');
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [updatingAll, setUpdatingAll] = useState(false);
  const [updateAllNote, setUpdateAllNote] = useState<string | null>(null);

  useEffect(() => {
    void load();
    return followMarketplace();
  }, [load]);

  const installedById = useMemo(() => new Map(installed.map((p) => [p.id, p])), [installed]);
  const entries = view?.entries ?? [];
  const byKey = useMemo(() => new Map(entries.map((e) => [entryKey(e), e])), [entries]);
  const tags = useMemo(() => [...new Set(entries.flatMap((e) => e.tags))].sort(), [entries]);
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return entries.filter(
      (e) =>
        (!q || `${e.name} ${e.id} ${e.author} ${e.description} ${e.tags.join(' ')}`.toLowerCase().includes(q)) &&
        (!tag || e.tags.includes(tag)) &&
        (!tier || e.tier === tier) &&
        (!source || e.sourceId === source),
    );
  }, [entries, query, tag, tier, source]);
  const updates = installed.filter((p) => p.hasUpdate);
  const skippedCount = view?.sources.reduce((n, s) => n + s.skipped.length, 0) ?? 0;

  const updateAll = async () => {
    setUpdatingAll(true);
    setUpdateAllNote(null);
    try {
      const result = await api.invoke('marketplace.updateAll', {});
      const parts = [
        result.updated.length ? `Updated ${result.updated.length}.` : '',
        result.waiting.length ? `${result.waiting.join(', ')} ${result.waiting.length === 1 ? 'asks' : 'ask'} for new permissions; open ${result.waiting.length === 1 ? 'it' : 'them'} to approve.` : '',
        ...result.failed.map((f) => `${f.id}: ${f.message}`),
      ].filter(Boolean);
      setUpdateAllNote(parts.join(' '));
    } catch (err) {
      setUpdateAllNote(errorMessage(err));
    } finally {
      setUpdatingAll(false);
      await load();
    }
  };

  const startUpdate = async (entry: CatalogEntryData, plugin: InstalledValue) => {
    const waiting = await updatePlugin(entryKey(entry), plugin);
    if (waiting) setDialog({ kind: 'approve', key: entryKey(entry), newPermissions: waiting });
  };

  const dialogEntry = dialog && 'key' in dialog ? byKey.get(dialog.key) : undefined;

  return (
    <div className="screen market-screen">
      <header className="screen-header">
        <div>
          <h1>Marketplace</h1>
          <p>Plugins from your catalogs. Each one runs in its own sandbox and gets only the permissions you allow.</p>
        </div>
        <div className="screen-actions">
          {updates.length ? (
            <Button variant="primary" busy={updatingAll} onClick={() => void updateAll()}>
              Update all ({updates.length})
            </Button>
          ) : null}
          <Button icon={RefreshIcon} busy={loading} onClick={() => void load(true)}>
            Refresh
          </Button>
          <Button variant="ghost" onClick={() => navigate('settings', { section: 'sources' })}>
            Sources…
          </Button>
        </div>
      </header>

      {loadError ? <Banner tone="danger" title="The marketplace could not be loaded">{loadError}</Banner> : null}
      {updateAllNote ? <Banner tone="info">{updateAllNote}</Banner> : null}
      {view?.sources.map((s) =>
        s.error ? (
          <Banner
            key={s.id}
            tone={s.stale ? 'warning' : 'danger'}
            title={<SafeText text={s.name} truncate />}
            action={
              <div className="market-source-actions" role="group" aria-label={`What to do about ${safeString(s.name)}`}>
                <Button size="sm" busy={loading} onClick={() => void load(true)}>
                  Retry
                </Button>
                {s.builtin ? null : (
                  <>
                    <Button size="sm" variant="ghost" onClick={() => setDialog({ kind: 'edit-source', source: s })}>
                      Edit
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setDialog({ kind: 'remove-source', source: s })}>
                      Remove
                    </Button>
                  </>
                )}
              </div>
            }
          >
            {s.error}
            {s.stale && s.lastUpdated ? ` Showing the copy from ${formatRelative(s.lastUpdated)}.` : ''}
          </Banner>
        ) : null,
      )}
      {view?.sources.some((s) => s.skipped.length) ? (
        <details className="market-skipped">
          <summary>
            {skippedCount} catalog {skippedCount === 1 ? 'entry was' : 'entries were'} skipped because {skippedCount === 1 ? 'it is' : 'they are'} invalid
          </summary>
          <ul>
            {view.sources.flatMap((s) =>
              s.skipped.map((k, i) => (
                <li key={`${s.id}-${i}`}>
                  <SafeText as="strong" text={k.id ?? 'An entry without an id'} /> in <SafeText text={s.name} />: {k.reason}
                </li>
              )),
            )}
          </ul>
        </details>
      ) : null}

      <div className="market-filters" role="search">
        <label className="market-search">
          <SearchIcon size={16} />
          <input className="input" type="search" placeholder="Search plugins" aria-label="Search plugins" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <select className="select" aria-label="Filter by tag" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select className="select" aria-label="Filter by tier" value={tier} onChange={(e) => setTier(e.target.value)}>
          <option value="">Free and Pro</option>
          <option value="free">Free</option>
          <option value="paid">Pro</option>
        </select>
        <select
          className="select market-source-filter"
          aria-label="Filter by source"
          value={source}
          title={safeString(view?.sources.find((s) => s.id === source)?.name ?? 'All sources')}
          onChange={(e) => setSource(e.target.value)}
        >
          <option value="">All sources</option>
          {view?.sources.map((s) => (
            <option key={s.id} value={s.id}>
              {safeString(s.name)}
            </option>
          ))}
        </select>
        <span className="market-count" aria-live="polite">
          {filtered.length} of {entries.length}
        </span>
      </div>

      {!view && loading ? (
        <div className="loading-row">
          <Spinner label="Loading catalogs" /> Loading catalogs…
        </div>
      ) : filtered.length === 0 && view ? (
        <EmptyState icon={StoreIcon} title={entries.length ? 'No plugin matches' : 'No plugins yet'}>
          {entries.length ? 'Try other words or clear the filters.' : 'Add a catalog source in Settings to see more plugins.'}
        </EmptyState>
      ) : (
        <EntryGrid
          entries={filtered}
          installedById={installedById}
          onOpen={(e) => setDialog({ kind: 'detail', key: entryKey(e) })}
          onInstall={(e) => setDialog({ kind: 'consent', key: entryKey(e) })}
          onUpdate={(e, p) => void startUpdate(e, p)}
        />
      )}

      {dialog?.kind === 'detail' && dialogEntry ? (
        <DetailDialog
          entry={dialogEntry}
          installed={installedById.get(dialogEntry.id) ?? null}
          onClose={() => setDialog(null)}
          onInstall={() => setDialog({ kind: 'consent', key: dialog.key })}
          onUpdate={() => {
            const plugin = installedById.get(dialogEntry.id);
            setDialog(null);
            if (plugin) void startUpdate(dialogEntry, plugin);
          }}
        />
      ) : null}
      {dialog?.kind === 'edit-source' ? <SourceDialog source={dialog.source} onClose={() => setDialog(null)} onSaved={() => void load(true)} /> : null}
      {dialog?.kind === 'remove-source' ? <RemoveSourceDialog source={dialog.source} onClose={() => setDialog(null)} onRemoved={() => void load()} /> : null}
      {dialog?.kind === 'consent' && dialogEntry ? (
        <ConsentDialog
          entry={dialogEntry}
          onClose={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void installEntry(dialogEntry, dialogEntry.permissions);
          }}
        />
      ) : null}
      {dialog?.kind === 'approve' && dialogEntry && installedById.get(dialogEntry.id) ? (
        <ApproveUpdateDialog
          plugin={installedById.get(dialogEntry.id)!}
          entry={dialogEntry}
          newPermissions={dialog.newPermissions}
          onClose={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void approveUpdate(dialog.key, dialogEntry.id, dialogEntry.permissions);
          }}
        />
      ) : null}
    </div>
  );
}

interface GridProps {
  entries: CatalogEntryData[];
  installedById: Map<string, InstalledValue>;
  onOpen(entry: CatalogEntryData): void;
  onInstall(entry: CatalogEntryData): void;
  onUpdate(entry: CatalogEntryData, plugin: InstalledValue): void;
}

function EntryGrid({ entries, installedById, onOpen, onInstall, onUpdate }: GridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(2);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(([e]) => setColumns(e && e.contentRect.width >= TWO_COLUMNS_FROM ? 2 : 1));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const rows = Math.ceil(entries.length / columns);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 4 });

  return (
    <div ref={scroller} className="market-scroller" role="list" aria-label="Plugins" onKeyDown={arrowKeys({ selector: '[data-grid-item]', columns: () => columns })}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div key={row.key} ref={virtualizer.measureElement} data-index={row.index} className="market-row" style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
            {entries.slice(row.index * columns, row.index * columns + columns).map((entry) => (
              <EntryCard
                key={entryKey(entry)}
                entry={entry}
                installed={installedById.get(entry.id) ?? null}
                onOpen={() => onOpen(entry)}
                onInstall={() => onInstall(entry)}
                onUpdate={(p) => onUpdate(entry, p)}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function EntryCard({
  entry,
  installed,
  onOpen,
  onInstall,
  onUpdate,
}: {
  entry: CatalogEntryData;
  installed: InstalledValue | null;
  onOpen(): void;
  onInstall(): void;
  onUpdate(plugin: InstalledValue): void;
}) {
  const key = entryKey(entry);
  const error = useMarketplace((s) => s.errors[key]);
  const progress = useMarketplace((s) => s.progress[entry.id]);
  const fromHere = installed?.sourceId === entry.sourceId;
  const active = progress && !['done', 'failed', 'cancelled'].includes(progress.phase) ? progress : null;

  return (
    <article className="market-card" role="listitem" aria-label={`${safeString(entry.name)} from ${safeString(entry.sourceName)}`}>
      <header className="market-card-head">
        <button type="button" className="market-card-title" onClick={onOpen} data-grid-item>
          <SafeText text={entry.name} truncate />
        </button>
        <span className="market-card-version">v{entry.version}</span>
        {entry.tier === 'paid' ? <Badge tone="accent">Pro</Badge> : null}
        {entry.verified ? <Badge tone="success" label="Verified source">Verified</Badge> : <Badge tone="warning" label="Unverified source">Unverified</Badge>}
      </header>
      <p className="market-card-meta">
        {entry.author === entry.sourceName ? (
          <SafeText text={entry.author} truncate className="market-card-who" />
        ) : (
          <>
            <SafeText text={entry.author} truncate className="market-card-who" /> · <SafeText text={entry.sourceName} truncate className="market-card-who" />
          </>
        )}{' '}
        · <span className="market-card-size">{formatBytes(entry.size)}</span>
      </p>
      {/* While it installs, its steps take the description's place, so the card keeps its height in the list. */}
      {active ? (
        <InstallSteps progress={active} />
      ) : (
        /* The text is the paragraph's own (not inside an inline element), so the line clamp cuts it cleanly. */
        <SafeText as="p" className="market-card-description" text={entry.description || 'No description.'} />
      )}
      <footer className="market-card-foot">
        <PermissionIcons permissions={entry.permissions} />
        <span className="market-card-state">
          {active ? (
            <ProgressBar progress={active} />
          ) : installed && fromHere && installed.pendingUpdate ? (
            <Button size="sm" variant="primary" onClick={() => onUpdate(installed)}>
              Review update
            </Button>
          ) : installed && fromHere && installed.hasUpdate ? (
            <Button size="sm" variant="primary" onClick={() => onUpdate(installed)}>
              Update to {installed.latestVersion}
            </Button>
          ) : installed && fromHere ? (
            <>
              <Badge tone="success">Installed {installed.version}</Badge>
              <Button size="sm" variant="ghost" onClick={() => navigate('plugins', { pluginId: installed.id })}>
                Open page
              </Button>
            </>
          ) : installed ? (
            <Badge>Installed from {installed.sourceName ? <SafeText text={installed.sourceName} /> : 'elsewhere'}</Badge>
          ) : entry.unavailableReason ? (
            <span className="market-unavailable" title={entry.unavailableReason}>
              {entry.unavailableReason}
            </span>
          ) : (
            <Button size="sm" onClick={onInstall}>
              Install
            </Button>
          )}
        </span>
      </footer>
      {error ? (
        <p className="market-card-error" role="alert" title={error}>
          {error}
        </p>
      ) : null}
    </article>
  );
}
