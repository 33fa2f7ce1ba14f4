/**
 * Names of the two Electron IPC channels every call and push event travel on.
 * Kept apart from the schemas so the preload bundle carries these strings and
 * nothing else of the contract.
 */
export const IPC_INVOKE = 'switchboard:invoke';
export const IPC_EVENT = 'switchboard:event';
