import { randomBytes } from 'node:crypto';

export const newId = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;

/** Sorts by time first, so audit rows list in order on both databases. */
export const timeId = (now: Date) => `${now.getTime().toString(36).padStart(10, '0')}${randomBytes(6).toString('hex')}`;
