import { describe, expect, it } from 'vitest';
import { balancedColumns } from './StatGrid.tsx';

describe('stat grid columns', () => {
  it.each([
    [5, 4, 3],
    [5, 5, 5],
    [5, 2, 2],
    [7, 4, 4],
    [6, 4, 3],
    [4, 4, 4],
    [3, 6, 3],
    [8, 3, 3],
    [1, 4, 1],
  ])('%i tiles where %i fit take %i columns, leaving no lone tile under a full row', (count, fit, columns) => {
    expect(balancedColumns(count, fit)).toBe(columns);
    const lastRow = count % columns || columns;
    if (count > columns) expect(lastRow).toBeGreaterThanOrEqual(Math.ceil(columns / 2));
  });
});
