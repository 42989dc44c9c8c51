/**
 * Load-time gate for APPSYNC_JS's language subset. AppSync refuses to create a
 * resolver whose code uses syntax its runtime does not support (developer guide
 * "Supported runtime features": no try/catch/finally, throw, while, do-while,
 * classic for, continue, labels, `in`, ++/--, ~, classes, generators,
 * async/await, regex literals, `this`). We parse the bundle with a real parser
 * and refuse it the same way, naming the original file and line via the
 * bundle's inline source map.
 */
import { Parser, type Node, type Program } from 'acorn';
import { SourceMap } from 'node:module';
import { ResolverLoadError } from '../errors.js';
import { errorMessage } from '../../../lib/toError.js';
import { walkNodes } from './walkNodes.js';

/** One construct AppSync rejects, located in the bundle (1-based line/column). */
export interface SyntaxViolation {
  readonly construct: string;
  readonly line: number;
  readonly column: number;
}

/** The forbidden construct a node is, or null when the node is allowed. */
function violationOf(node: Node & Record<string, unknown>): string | null {
  switch (node.type) {
    case 'TryStatement':
      return 'try/catch/finally';
    case 'ThrowStatement':
      return 'throw';
    case 'WhileStatement':
      return 'while';
    case 'DoWhileStatement':
      return 'do-while';
    case 'ForStatement':
      return 'classic for(;;)';
    case 'ContinueStatement':
      return 'continue';
    case 'LabeledStatement':
      return 'labeled statement';
    case 'UpdateExpression':
      return `${String(node['operator'])} operator`;
    case 'UnaryExpression':
      return node['operator'] === '~' ? '~ operator' : null;
    case 'BinaryExpression':
      return node['operator'] === 'in' ? '`in` operator (use Object.hasOwn)' : null;
    case 'ClassDeclaration':
    case 'ClassExpression':
      return 'class';
    case 'YieldExpression':
      return 'yield';
    case 'AwaitExpression':
      return 'await';
    case 'ThisExpression':
      return 'this';
    case 'ImportExpression':
      return 'dynamic import()';
    case 'MetaProperty':
      return String((node['meta'] as { name?: string } | undefined)?.name) === 'import' ? 'import.meta' : null;
    case 'Literal':
      return node['regex'] ? 'regular expression literal' : null;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      if (node['async']) return 'async function';
      if (node['generator']) return 'generator function';
      return null;
    default:
      return null;
  }
}

/** Every forbidden construct of a parsed program, in source order. */
export function findViolations(program: Program): SyntaxViolation[] {
  const found: SyntaxViolation[] = [];
  for (const node of walkNodes(program)) {
    const construct = violationOf(node);
    if (construct && node.loc) {
      found.push({ construct, line: node.loc.start.line, column: node.loc.start.column + 1 });
    }
  }
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Parses bundle code as an ES module; a syntax error becomes a ResolverLoadError. */
export function parseModule(code: string, file: string): Program {
  try {
    return Parser.parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc;
    const line = loc?.line ?? 0;
    const column = (loc?.column ?? 0) + 1;
    throw new ResolverLoadError(`${file}:${line}:${column}: ${errorMessage(err)}`, file, line, column, {
      cause: err,
    });
  }
}

const MAP_PREFIX = '//# sourceMappingURL=data:application/json;base64,';

/** Maps bundle positions back to the original source through the bundle's inline source map, if any. */
export function sourceLocator(code: string, file: string): (line: number, column: number) => string {
  const at = code.lastIndexOf(MAP_PREFIX);
  let map: SourceMap | null = null;
  if (at >= 0) {
    const payload = code.slice(at + MAP_PREFIX.length).trim();
    try {
      map = new SourceMap(JSON.parse(Buffer.from(payload, 'base64').toString('utf8')));
    } catch (err) {
      // A broken source map only costs us the original position, never the check itself.
      map = null;
      void err;
    }
  }
  return (line, column) => {
    const entry = map?.findEntry(line - 1, column - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (entry && entry.originalSource !== undefined && entry.originalLine !== undefined) {
      const source = entry.originalSource.replace(/^file:\/\//, '');
      return `${source}:${entry.originalLine + 1}:${
        (entry.originalColumn ?? 0) + 1
      } (bundle ${file}:${line}:${column})`;
    }
    return `${file}:${line}:${column}`;
  };
}

/**
 * Refuses code that uses syntax AppSync rejects, as a deploy would.
 * @throws ResolverLoadError naming every offending construct and its location.
 */
export function assertAppSyncSyntax(program: Program, code: string, file: string): void {
  const violations = findViolations(program);
  const first = violations[0];
  if (!first) return;
  const locate = sourceLocator(code, file);
  const lines = violations.map((v) => `  ${locate(v.line, v.column)}: ${v.construct} is not supported by APPSYNC_JS`);
  throw new ResolverLoadError(
    `${file}: AppSync would reject this code (runtime APPSYNC_JS 1.0.0):\n${lines.join('\n')}`,
    file,
    first.line,
    first.column,
  );
}
