// Makes every installer icon from the one source image, renderer/public/icon.svg
// (also the window's favicon), at build time: `npm run dist` runs it before
// electron-builder. Chromium draws the SVG at each size, so small sizes are
// rendered, not scaled down. Output goes to out/icons/ (git-ignored):
//   <size>x<size>.png  the Linux icon set (electron-builder's linux.icon)
//   icon.icns          macOS, PNG-compressed members (mac.icon)
//   icon.ico           Windows, PNG-compressed entries (win.icon)
// electron-builder's own converter would download a toolset at build time.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type LaunchOptions } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '..');
export const ICON_SOURCE = join(ROOT, 'renderer', 'public', 'icon.svg');

export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
/** Windows shows 16–48 in lists and 256 in Explorer's large views; 256 is the largest an ICO holds. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS member types whose payload may be a PNG, by pixel size. */
export const ICNS_TYPES: [string, number][] = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

/** Windows' ICO: a directory of entries; since Vista an entry may be a whole PNG file. */
export function icoFromPngs(pngs: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.png)]);
}

/** Apple's ICNS: 'icns' + total length, then members of type + length (both include their 8-byte headers). */
export function icnsFromPngs(members: { type: string; png: Buffer }[]): Buffer {
  const chunks = members.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** Debian's Chromium where it is installed (CHROMIUM_PATH overrides), else the installed Google Chrome. */
function browserOptions(): LaunchOptions {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(path) ? { executablePath: path } : { channel: 'chrome' };
}

/** Renders the source SVG at each size as a PNG with a transparent background. */
export async function renderPngs(svg: string, sizes: number[]): Promise<Map<number, Buffer>> {
  const browser = await chromium.launch(browserOptions());
  try {
    const page = await browser.newPage();
    const pngs = new Map<number, Buffer>();
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    for (const size of [...new Set(sizes)]) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(`<body style="margin:0"><img src="${src}" width="${size}" height="${size}" style="display:block"></body>`);
      await page.locator('img').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
      pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

export async function buildIcons(outDir: string, source = ICON_SOURCE): Promise<void> {
  const pngs = await renderPngs(readFileSync(source, 'utf8'), [...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)]);
  const png = (size: number): Buffer => pngs.get(size)!;
  mkdirSync(outDir, { recursive: true });
  for (const size of LINUX_SIZES) writeFileSync(join(outDir, `${size}x${size}.png`), png(size));
  writeFileSync(join(outDir, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: png(size) }))));
  writeFileSync(join(outDir, 'icon.icns'), icnsFromPngs(ICNS_TYPES.map(([type, size]) => ({ type, png: png(size) }))));
}

if (import.meta.main) {
  const outDir = join(ROOT, 'out', 'icons');
  await buildIcons(outDir);
  console.log(`wrote the installer icons from ${ICON_SOURCE} to ${outDir}`);
}
