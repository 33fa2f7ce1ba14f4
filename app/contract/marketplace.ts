import { Type } from '@sinclair/typebox';
import { CatalogEntry } from '../catalog.ts';
import { PERMISSIONS } from '../permissions.ts';
import { NoArgs } from './app.ts';

const PluginId = Type.String({ minLength: 1, maxLength: 128 });
const SourceId = Type.String({ minLength: 1, maxLength: 64 });
const PermissionName = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const SourceInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  builtin: Type.Boolean(),
  publicKey: Nullable(Type.String()),
  hasToken: Type.Boolean(),
});

export const SourceStatus = Type.Composite([
  SourceInfo,
  Type.Object({
    verified: Type.Boolean(),
    lastUpdated: Nullable(Type.String()),
    error: Nullable(Type.String()),
    stale: Type.Boolean(),
    entryCount: Type.Integer(),
    skipped: Type.Array(Type.Object({ id: Nullable(Type.String()), reason: Type.String() })),
  }),
]);

export const InstalledPlugin = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  installedAt: Type.String(),
  updatedAt: Type.String(),
  isActive: Type.Boolean(),
  hasUpdate: Type.Boolean(),
  latestVersion: Nullable(Type.String()),
  sourceId: Nullable(Type.String()),
  sourceName: Nullable(Type.String()),
  /** The version kept for rollback. */
  previousVersion: Nullable(Type.String()),
  grants: Type.Array(PermissionName),
  /** An update that waits for the user to approve new permissions. */
  pendingUpdate: Type.Union([Type.Object({ version: Type.String(), newPermissions: Type.Array(PermissionName) }), Type.Null()]),
});

export const PluginUpdate = Type.Object({
  id: Type.String(),
  currentVersion: Type.String(),
  latestVersion: Type.String(),
  changelogUrl: Nullable(Type.String()),
  /** Permissions the new version asks for that the installed one was not granted. */
  newPermissions: Type.Array(PermissionName),
});

export const UpdateResult = Type.Object({
  status: Type.Union([Type.Literal('updated'), Type.Literal('needs_approval'), Type.Literal('up_to_date')]),
  plugin: InstalledPlugin,
  newPermissions: Type.Array(PermissionName),
});

export const CatalogView = Type.Object({
  entries: Type.Array(CatalogEntry),
  sources: Type.Array(SourceStatus),
  /** `<sourceId>/<pluginId>` of every paid entry whose license key is in the keyring. */
  licensed: Type.Array(Type.String()),
});

export const SOURCE_NAME_MAX = 60;
export const SOURCE_NAME_EMPTY = 'Give the source a name';

const SourceFields = {
  name: Type.String({ minLength: 1, maxLength: SOURCE_NAME_MAX, words: { empty: SOURCE_NAME_EMPTY } }),
  url: Type.String({ minLength: 1, maxLength: 2048, words: { empty: 'Enter the https:// address of the catalog' } }),
  /** Kept in the keyring. */
  token: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
  /** ed25519 public key: 32 bytes in base64, or PEM. */
  publicKey: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
};

const Args = <P extends Parameters<typeof Type.Object>[0]>(props: P) => Type.Object(props, { additionalProperties: false });

/** The steps of an install or update, in the order main takes them: the download, unpacking, checking the plugin, putting it in place. */
export const INSTALL_PHASES = ['downloading', 'extracting', 'verifying', 'installing'] as const;

export const MarketplacePhase = Type.Union([...INSTALL_PHASES, 'done', 'failed', 'cancelled'].map((p) => Type.Literal(p)));

export const MarketplaceProgress = Type.Object({
  pluginId: Type.String(),
  operation: Type.Union([Type.Literal('install'), Type.Literal('update')]),
  phase: MarketplacePhase,
  received: Type.Integer(),
  total: Type.Integer(),
  /** Set with phase `failed`. */
  error: Type.Optional(Type.String()),
});

export const marketplaceChannels = {
  /** Every source's entries; cached per source, `refresh` fetches now. */
  'marketplace.fetchCatalog': { args: Args({ refresh: Type.Optional(Type.Boolean()) }), result: CatalogView },
  /**
   * Installs after the consent dialog. `acceptedPermissions` is what the
   * dialog showed; main refuses if it does not cover what the catalog asks.
   */
  'marketplace.install': {
    args: Args({ pluginId: PluginId, sourceId: SourceId, acceptedPermissions: Type.Optional(Type.Array(PermissionName, { maxItems: 16 })) }),
    result: InstalledPlugin,
  },
  'marketplace.cancel': { args: Args({ pluginId: PluginId }), result: Type.Object({ cancelled: Type.Boolean() }) },
  'marketplace.uninstall': { args: Args({ pluginId: PluginId }), result: Type.Object({ removed: Type.Boolean() }) },
  'marketplace.update': { args: Args({ pluginId: PluginId }), result: UpdateResult },
  /** Approves the new permissions of a waiting update and runs it. */
  'marketplace.approveUpdate': {
    args: Args({ pluginId: PluginId, acceptedPermissions: Type.Array(PermissionName, { maxItems: 16 }) }),
    result: UpdateResult,
  },
  'marketplace.updateAll': {
    args: NoArgs,
    result: Type.Object({
      updated: Type.Array(Type.String()),
      waiting: Type.Array(Type.String()),
      failed: Type.Array(Type.Object({ id: Type.String(), message: Type.String() })),
    }),
  },
  'marketplace.rollback': { args: Args({ pluginId: PluginId }), result: InstalledPlugin },
  'marketplace.listInstalled': { args: NoArgs, result: Type.Array(InstalledPlugin) },
  'marketplace.checkUpdates': { args: NoArgs, result: Type.Array(PluginUpdate) },
  'marketplace.listSources': { args: NoArgs, result: Type.Array(SourceInfo) },
  'marketplace.addSource': { args: Args(SourceFields), result: SourceInfo },
  'marketplace.editSource': {
    args: Args({ id: SourceId, ...SourceFields, name: Type.Optional(SourceFields.name), url: Type.Optional(SourceFields.url) }),
    result: SourceInfo,
  },
  'marketplace.removeSource': { args: Args({ id: SourceId }), result: Type.Object({ removed: Type.Boolean() }) },
  /** Stores (or with `key: null` removes) the license key of a paid plugin, in the keyring. */
  'marketplace.setLicenseKey': {
    args: Args({ pluginId: PluginId, sourceId: SourceId, key: Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Null()]) }),
    result: Type.Object({ licensed: Type.Boolean() }),
  },
  /** The Pro licence of an installed built-in Pro plugin (who it is for, until when, whether it is valid now); null for others. */
  'marketplace.licenseStatus': {
    args: Args({ pluginId: PluginId }),
    result: Type.Object({
      license: Type.Union([
        Type.Object({ licensee: Nullable(Type.String()), expires: Nullable(Type.String()), valid: Type.Boolean(), message: Nullable(Type.String()) }),
        Type.Null(),
      ]),
    }),
  },
  /** Opens an https:// link (homepage, changelog) in the system browser; anything else is refused. */
  'app.openExternal': { args: Args({ url: Type.String({ minLength: 1, maxLength: 2048 }) }), result: Type.Object({ opened: Type.Boolean() }) },
} as const;

export const marketplaceEvents = {
  'marketplace.progress': MarketplaceProgress,
  /** Something installed, updated, rolled back, removed, or a source changed: screens reload. */
  'marketplace.changed': Type.Object({ pluginId: Type.Union([Type.String(), Type.Null()]) }),
} as const;
