// Which code signing and notarization a `npm run dist` on this OS will do,
// decided only by the environment variables electron-builder reads. Nothing
// secret is configured in electron-builder.yml.

export interface SigningPlan {
  signed: boolean;
  /** One line per step, said before packaging so an unsigned build says so. */
  lines: string[];
}

type Env = Record<string, string | undefined>;

const has = (env: Env, ...names: string[]): boolean => names.every((name) => (env[name] ?? '').trim() !== '');

const NOTARIZATION_SETS = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
];

function macPlan(env: Env): SigningPlan {
  const identity = has(env, 'CSC_LINK') ? 'the certificate in CSC_LINK' : has(env, 'CSC_NAME') ? `the keychain identity CSC_NAME (${env.CSC_NAME})` : undefined;
  if (!identity) {
    return {
      signed: false,
      lines: [
        'macOS: UNSIGNED build, not notarized. Set CSC_LINK (a .p12 file or base64) and CSC_KEY_PASSWORD, or CSC_NAME for a keychain identity.',
        '  (electron-builder may still pick a Developer ID identity from your keychain; CSC_IDENTITY_AUTO_DISCOVERY=false stops that.)',
      ],
    };
  }
  const notarize = NOTARIZATION_SETS.find((set) => has(env, ...set));
  return {
    signed: true,
    lines: [
      `macOS: signed with ${identity}, hardened runtime, entitlements build/entitlements.mac.plist (allow-jit only).`,
      notarize
        ? `macOS: notarized with ${notarize.join(' + ')}.`
        : `macOS: NOT notarized: set one of ${NOTARIZATION_SETS.map((set) => set.join(' + ')).join(', or ')}.`,
    ],
  };
}

function windowsPlan(env: Env): SigningPlan {
  const variable = has(env, 'WIN_CSC_LINK') ? 'WIN_CSC_LINK' : has(env, 'CSC_LINK') ? 'CSC_LINK' : undefined;
  if (!variable) {
    return { signed: false, lines: ['Windows: UNSIGNED build. Set WIN_CSC_LINK (or CSC_LINK) and WIN_CSC_KEY_PASSWORD to sign the installer and the app.'] };
  }
  return { signed: true, lines: [`Windows: signed with the certificate in ${variable}.`] };
}

export function signingPlan(platform: NodeJS.Platform, env: Env): SigningPlan {
  if (platform === 'darwin') return macPlan(env);
  if (platform === 'win32') return windowsPlan(env);
  return {
    signed: false,
    lines: ['Linux: UNSIGNED build (AppImage and deb carry no code signature); updates are still checked against the sha512 in latest-linux.yml.'],
  };
}

/** Where the packaged app looks for updates: SWITCHBOARD_UPDATE_URL, an https folder holding latest*.yml and the installers. */
export function updateFeed(env: Env): { args: string[]; line: string } | { error: string } {
  const url = (env.SWITCHBOARD_UPDATE_URL ?? '').trim();
  if (url === '') return { args: [], line: 'Updates: no SWITCHBOARD_UPDATE_URL, so this build will not update itself (Settings → Updates says so).' };
  if (!/^https:\/\/[^/]/.test(url)) return { error: `SWITCHBOARD_UPDATE_URL must be an https URL, not "${url}".` };
  return { args: ['-c.publish.provider=generic', `-c.publish.url=${url}`], line: `Updates: the app checks ${url} for latest*.yml; upload dist/latest*.yml and the installers there.` };
}
