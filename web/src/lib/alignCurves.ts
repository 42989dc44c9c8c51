/** Puts curves sampled at different x values on one x axis (uPlot wants aligned columns). */
export function alignCurves(curves: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): {
  xs: number[];
  values: Array<Array<number | null>>;
} {
  const xs = [...new Set(curves.flatMap((c) => c.map(([x]) => x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const values = curves.map((c) => {
    const col = new Array<number | null>(xs.length).fill(null);
    for (const [x, y] of c) {
      const i = index.get(x);
      if (i !== undefined) col[i] = y;
    }
    return col;
  });
  return { xs, values };
}

/** A rider's curve from a race history: (second, output) where the rider was seen. */
export function historyCurve(
  seconds: readonly number[],
  outputs: ReadonlyArray<number | null> | undefined,
): Array<[number, number]> {
  const curve: Array<[number, number]> = [];
  if (!outputs) return curve;
  seconds.forEach((s, i) => {
    const v = outputs[i];
    if (v !== null && v !== undefined) curve.push([s, v]);
  });
  return curve;
}
