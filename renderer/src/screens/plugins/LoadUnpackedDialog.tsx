import { useState } from 'react';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { Button, Dialog, errorMessage, Field } from '../../ui/index.ts';

/**
 * "Load unpacked…": a plugin folder the author works on, by its full path.
 * Main copies it in as a sideloaded plugin (it runs once its permissions are
 * approved, from its page or its switch) and reloads it on every change.
 */
export function LoadUnpackedDialog({ onClose }: { onClose(): void }) {
  const [folder, setFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const plugin = await api.invoke('plugins.loadUnpacked', { folder: folder.trim() });
      onClose();
      navigate('plugins', { pluginId: plugin.id });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Load unpacked plugin"
      description="A plugin folder on this computer. It is sideloaded: it runs once you approve its permissions, and reloads whenever its files change."
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={busy || folder.trim() === ''} onClick={() => void load()}>Load</Button>
        </>
      }
    >
      <form onSubmit={(e) => { e.preventDefault(); if (folder.trim()) void load(); }}>
        <Field label="Plugin folder" hint="Its full path, the folder that holds plugin.json." error={error}>
          <input type="text" value={folder} data-autofocus spellCheck={false} onChange={(e) => setFolder(e.target.value)} />
        </Field>
      </form>
    </Dialog>
  );
}
