import { fileURLToPath } from 'node:url';

export const BUILTIN_SOURCE_ID = 'builtin';
export const BUILTIN_SOURCE_NAME = 'Switchboard';

/**
 * The ed25519 key that signs resources/catalog/catalog.json. Its private
 * half is never in the repository: scripts/build-builtin-catalog.ts reads it
 * from the path in SWITCHBOARD_CATALOG_SIGNING_KEY. Whoever rotates it runs
 * that script with --new-key and pastes the printed public key here.
 */
export const BUILTIN_CATALOG_PUBLIC_KEY = '3jMAf14MgM9wtdKU5n2v9bBv/HzF7EAekY0MKN2m0OQ=';

/** Where the built-in catalog lives in a checkout; the packaged app passes its resources folder instead. */
export const DEFAULT_BUILTIN_CATALOG_DIR = fileURLToPath(new URL('../../resources/catalog/', import.meta.url));
