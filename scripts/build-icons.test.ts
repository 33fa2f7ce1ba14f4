import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIcons, ICNS_TYPES, ICO_SIZES, LINUX_SIZES } from './build-icons.ts';

const requireFromRoot = createRequire(join(resolve(import.meta.dirname, '..'), 'package.json'));

const pngSize = (png: Buffer): [number, number] => {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
};

/** The alpha channel of an 8-bit RGBA PNG (what Chromium's screenshots are), row by row, with PNG's filters undone. */
function alphaRows(png: Buffer): number[][] {
  const [width, height] = pngSize(png);
  expect([png[24], png[25]], 'bit depth 8, colour type RGBA').toEqual([8, 6]);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const data = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  let previous = Buffer.alloc(stride);
  const alpha: number[][] = [];
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)]!;
    const row = Buffer.from(data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? row[i - 4]! : 0;
      const b = previous[i]!;
      const c = i >= 4 ? previous[i - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      row[i] = (row[i]! + [0, a, b, (a + b) >> 1, paeth][filter]!) & 0xff;
    }
    alpha.push(Array.from({ length: width }, (_, x) => row[x * 4 + 3]!));
    previous = row;
  }
  return alpha;
}

describe('installer icons from the one source image', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'switchboard-icons-'));
    await buildIcons(out);
  }, 60_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the Linux set at every size, drawn at that size with transparent rounded corners', () => {
    expect(readdirSync(out).filter((f) => f.endsWith('.png')).sort()).toEqual(LINUX_SIZES.map((s) => `${s}x${s}.png`).sort());
    for (const size of LINUX_SIZES) {
      const png = readFileSync(join(out, `${size}x${size}.png`));
      expect(pngSize(png)).toEqual([size, size]);
      const alpha = alphaRows(png);
      const middle = Math.floor(size / 2);
      const at = (x: number, y: number): number | undefined => alpha[y]?.[x];
      expect([at(0, 0), at(size - 1, 0), at(0, size - 1)], `${size}px corners`).toEqual([0, 0, 0]);
      expect(at(middle, middle), `${size}px middle`).toBe(255);
    }
  });

  it('writes a Windows ICO whose entries are PNGs of the sizes they claim, up to 256', () => {
    const ico = readFileSync(join(out, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    const sizes = ICO_SIZES.map((_, i) => {
      const entry = 6 + 16 * i;
      const claimed = ico[entry]! || 256;
      const png = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      expect(pngSize(png)).toEqual([claimed, claimed]);
      return claimed;
    });
    expect(sizes).toEqual(ICO_SIZES);
  });

  it('writes a macOS ICNS whose members add up to its length and hold PNGs up to 1024', () => {
    const icns = readFileSync(join(out, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const members: [string, number][] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      const png = icns.subarray(at + 8, at + icns.readUInt32BE(at + 4));
      members.push([icns.toString('latin1', at, at + 4), pngSize(png)[0]]);
    }
    expect(members).toEqual(ICNS_TYPES);
  });

  it('are what electron-builder takes as they are, without downloading its icon converter', async () => {
    const { convertIcon } = requireFromRoot('app-builder-lib/out/util/iconConverter.js');
    const convert = (source: string, format: string) => convertIcon({ sources: [source], fallbackSources: [], roots: [out], format, outDir: join(out, 'unused') });
    expect((await convert(join(out, 'icon.ico'), 'ico')).icons).toEqual([{ file: join(out, 'icon.ico'), size: 256 }]);
    expect((await convert(join(out, 'icon.icns'), 'icns')).icons).toEqual([{ file: join(out, 'icon.icns'), size: 0 }]);
    expect((await convert(out, 'set')).icons.map((i: { size: number }) => i.size)).toEqual(LINUX_SIZES);
  });
});
