import { useEffect, useState } from 'react';
import { useSettings } from '../../stores/settings.ts';
import type { ScreenProps } from '../types.ts';
import { Banner, Button, Spinner } from '../../ui/index.ts';
import { GeneralSection } from './GeneralSection.tsx';
import { AppearanceSection } from './AppearanceSection.tsx';
import { NotificationsSection } from './NotificationsSection.tsx';
import { SecretsSection } from './SecretsSection.tsx';
import { UpdatesSection } from './UpdatesSection.tsx';
import { TeamHubSection } from './TeamHubSection.tsx';
import { SourcesSection } from '../marketplace/SourcesSection.tsx';
import './settings.css';

export function SettingsScreen(_props: ScreenProps) {
  const { settings, loadError, load } = useSettings();
  const [retrying, setRetrying] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="screen settings-screen">
      <header className="screen-header">
        <div>
          <h1>Settings</h1>
          <p>How Switchboard looks, how often it checks for plugins, and the secrets it keeps for you.</p>
        </div>
      </header>
      {loadError && !settings ? (
        <Banner
          tone="danger"
          title="Settings could not be loaded"
          action={
            <Button
              size="sm"
              busy={retrying}
              onClick={async () => {
                setRetrying(true);
                await load();
                setRetrying(false);
              }}
            >
              Try again
            </Button>
          }
        >
          {loadError}
        </Banner>
      ) : null}
      {settings ? (
        <>
          <AppearanceSection settings={settings} />
          <GeneralSection settings={settings} />
          <NotificationsSection settings={settings} />
          <UpdatesSection settings={settings} />
          <TeamHubSection settings={settings} />
          <SourcesSection />
          <SecretsSection />
        </>
      ) : loadError ? null : (
        <div className="loading-row">
          <Spinner label="Loading settings" /> Loading settings…
        </div>
      )}
    </div>
  );
}
