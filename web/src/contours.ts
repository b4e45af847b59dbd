// Contour lines by marching squares on an n×n grid of values, and the levels to draw:
// quantiles of f over the view, so a steep f (Rosenbrock's walls) still shows its valley.

/**
 * About `count` distinct contour levels at evenly spaced quantiles of the finite values.
 *
 * @example
 * contourLevels(new Float64Array([0, 1, 2, 3, 4]), 3); // [1, 2, 3]
 */
export function contourLevels(values: Float64Array, count: number): number[] {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0 || finite[0] === finite[finite.length - 1]) return [];
  const levels: number[] = [];
  for (let k = 1; k <= count; k++) {
    // Squared spacing puts more levels near the low end, where minima live.
    const q = (k / (count + 1)) ** 2;
    const v = finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
    if (levels.length === 0 || v > levels[levels.length - 1]!) levels.push(v);
  }
  return levels;
}

/** A segment in grid coordinates (i along x, j along y). */
export type Segment = [number, number, number, number];

/**
 * The segments of the level set {v = level} of an n×n grid (row j = y index), by marching
 * squares with linear interpolation along cell edges; cells touching NaN are skipped and
 * saddle cells are resolved by the cell's mean.
 *
 * @example
 * marchingSquares(new Float64Array([0, 1, 0, 1]), 2, 0.5); // [[0.5, 0, 0.5, 1]]
 */
export function marchingSquares(values: Float64Array, n: number, level: number): Segment[] {
  const out: Segment[] = [];
  for (let j = 0; j + 1 < n; j++) {
    for (let i = 0; i + 1 < n; i++) {
      const a = values[j * n + i]!; // (i, j)
      const b = values[j * n + i + 1]!; // (i+1, j)
      const c = values[(j + 1) * n + i + 1]!; // (i+1, j+1)
      const d = values[(j + 1) * n + i]!; // (i, j+1)
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) continue;
      const code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      cellSegments(code, i, j, a, b, c, d, level, out);
    }
  }
  return out;
}

// Where the level crosses each edge of the cell, as a point in grid coordinates.
function crossing(t0: number, t1: number, level: number): number {
  return t0 === t1 ? 0.5 : (level - t0) / (t1 - t0);
}

function cellSegments(code: number, i: number, j: number, a: number, b: number, c: number, d: number, level: number, out: Segment[]): void {
  const bottom = (): [number, number] => [i + crossing(a, b, level), j];
  const right = (): [number, number] => [i + 1, j + crossing(b, c, level)];
  const top = (): [number, number] => [i + crossing(d, c, level), j + 1];
  const left = (): [number, number] => [i, j + crossing(a, d, level)];
  const seg = (p: [number, number], q: [number, number]) => out.push([p[0], p[1], q[0], q[1]]);
  // Each corner pattern and its complement cut the same edges.
  const key = code > 7 ? 15 - code : code;
  const centreAbove = (a + b + c + d) / 4 > level;
  switch (key) {
    case 1: seg(left(), bottom()); break;
    case 2: seg(bottom(), right()); break;
    case 3: seg(left(), right()); break;
    case 4: seg(right(), top()); break;
    case 6: seg(bottom(), top()); break;
    case 7: seg(left(), top()); break;
    case 5: {
      // a and c on one side, b and d on the other: the centre says which pair is joined.
      const aAbove = a > level;
      if (centreAbove === aAbove) {
        seg(left(), top());
        seg(bottom(), right());
      } else {
        seg(left(), bottom());
        seg(right(), top());
      }
      break;
    }
  }
}
