import { AppError } from '../../app/contract/envelope.ts';

/**
 * Homepage and changelog links come from catalogs, so a window could be
 * made to ask for anything; main opens https:// links only.
 */
export async function openHttpsLink(raw: string, open: ((url: string) => Promise<void> | void) | undefined): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('invalid_argument', 'That is not a valid link.');
  }
  if (url.protocol !== 'https:') throw new AppError('refused', `Only https:// links are opened; this one is ${url.protocol}//.`);
  if (!open) throw new AppError('conflict', 'Opening links in the system browser is not available here.');
  await open(url.href);
  return true;
}
