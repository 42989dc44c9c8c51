/**
 * Parser of CloudWatch embedded metric format (EMF) lines, the JSON objects
 * Powertools Metrics prints to stdout (one per line, from `publishStoredMetrics`).
 *
 * The specification (CloudWatch "Embedded metric format specification"): the
 * root object has `_aws: { Timestamp, CloudWatchMetrics: [{ Namespace,
 * Dimensions: [[name…]…], Metrics: [{ Name, Unit?, StorageResolution? }] }] }`;
 * each metric's value is the root member named after it (a number, or an array
 * of up to 100 numbers when the same metric was added several times), and each
 * dimension's value is the root member named after it (a string).
 * CloudWatch rejects an object that breaks these rules; so do we (as
 * `invalid`), while lines that are not EMF at all (logs) are `not-emf`.
 */
import { EmfFormatError } from './errors.js';
import { isRecord } from '../../lib/isRecord.js';

/** One metric of one EMF object. */
export interface EmfMetric {
  namespace: string;
  name: string;
  /** CloudWatch unit (`Count`, `Milliseconds`, …); `None` when absent, as CloudWatch defaults. */
  unit: string;
  values: number[];
  /** Values of every dimension named in the directive's dimension sets (e.g. `{ service: 'aggregator' }`). */
  dimensions: Record<string, string>;
  /** `_aws.Timestamp`, epoch ms. */
  timestamp: number;
}

export type EmfParseResult =
  | { kind: 'not-emf' }
  | { kind: 'emf'; metrics: EmfMetric[] }
  | { kind: 'invalid'; error: EmfFormatError };

/**
 * Parses one line of output. Lambda's text log prefix (`<time>\t<requestId>\tINFO\t`)
 * before the JSON object is tolerated.
 */
export function parseEmfLine(line: string): EmfParseResult {
  // Cheap test first: most lines are logs.
  if (!line.includes('"_aws"')) return { kind: 'not-emf' };
  const start = line.indexOf('{');
  if (start < 0) return { kind: 'not-emf' };
  let root: unknown;
  try {
    root = JSON.parse(line.slice(start));
  } catch (err) {
    return { kind: 'invalid', error: new EmfFormatError('EMF line is not valid JSON', { cause: err }) };
  }
  if (!isRecord(root) || !isRecord(root._aws)) return { kind: 'not-emf' };
  try {
    return { kind: 'emf', metrics: readMetrics(root, root._aws) };
  } catch (err) {
    if (err instanceof EmfFormatError) return { kind: 'invalid', error: err };
    throw err;
  }
}

function readMetrics(root: Record<string, unknown>, aws: Record<string, unknown>): EmfMetric[] {
  const timestamp = aws.Timestamp;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
    throw new EmfFormatError('_aws.Timestamp must be a number (epoch ms)');
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) throw new EmfFormatError('_aws.CloudWatchMetrics must be an array');
  const metrics: EmfMetric[] = [];
  for (const directive of directives) {
    if (!isRecord(directive)) throw new EmfFormatError('each CloudWatchMetrics entry must be an object');
    const { Namespace: namespace, Dimensions: dimensionSets, Metrics: definitions } = directive;
    if (typeof namespace !== 'string' || namespace.length === 0)
      throw new EmfFormatError('CloudWatchMetrics[].Namespace must be a non-empty string');
    if (!Array.isArray(dimensionSets))
      throw new EmfFormatError('CloudWatchMetrics[].Dimensions must be an array of arrays');
    if (!Array.isArray(definitions)) throw new EmfFormatError('CloudWatchMetrics[].Metrics must be an array');
    const dimensions: Record<string, string> = {};
    for (const set of dimensionSets) {
      if (!Array.isArray(set)) throw new EmfFormatError('CloudWatchMetrics[].Dimensions must be an array of arrays');
      for (const name of set) {
        if (typeof name !== 'string') throw new EmfFormatError('dimension names must be strings');
        const value = root[name];
        if (typeof value !== 'string')
          throw new EmfFormatError(`dimension "${name}" has no string value in the root object`);
        dimensions[name] = value;
      }
    }
    for (const definition of definitions) {
      if (!isRecord(definition) || typeof definition.Name !== 'string')
        throw new EmfFormatError('CloudWatchMetrics[].Metrics[].Name must be a string');
      const name = definition.Name;
      const unit = typeof definition.Unit === 'string' ? definition.Unit : 'None';
      metrics.push({
        namespace,
        name,
        unit,
        values: readValues(name, root[name]),
        dimensions: { ...dimensions },
        timestamp,
      });
    }
  }
  return metrics;
}

function readValues(name: string, raw: unknown): number[] {
  const values = Array.isArray(raw) ? raw : [raw];
  if (raw === undefined) throw new EmfFormatError(`metric "${name}" has no value in the root object`);
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new EmfFormatError(`metric "${name}" must be a finite number or an array of them`);
  }
  return values as number[];
}
