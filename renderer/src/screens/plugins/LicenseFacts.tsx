import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { Banner, SafeText } from '../../ui/index.ts';

type LicenseValue = { licensee: string | null; expires: string | null; valid: boolean; message: string | null };

/** A built-in Pro plugin's licence on its page: who it is for, until when, and why it no longer runs when it has expired. */
export function LicenseFacts({ id, revision }: { id: string; revision: unknown }) {
  const [license, setLicense] = useState<LicenseValue | null>(null);
  useEffect(() => {
    let live = true;
    api.invoke('marketplace.licenseStatus', { pluginId: id }).then(
      (r) => live && setLicense(r.license),
      () => live && setLicense(null),
    );
    return () => {
      live = false;
    };
  }, [id, revision]);
  if (!license) return null;
  return (
    <>
      <dl className="plugin-facts" aria-label="Pro licence">
        <dt>Pro licence</dt>
        <dd>{license.licensee ? <SafeText text={license.licensee} /> : 'None saved'}</dd>
        {license.expires ? (
          <>
            <dt>{license.valid ? 'Valid until' : 'Expired'}</dt>
            <dd>{license.expires.slice(0, 10)}</dd>
          </>
        ) : null}
      </dl>
      {license.message ? <Banner tone="warning">{license.message}</Banner> : null}
    </>
  );
}
