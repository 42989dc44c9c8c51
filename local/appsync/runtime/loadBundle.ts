/**
 * Loads a resolver bundle (an ES module, as esbuild emits it for AppSync) into
 * a sandbox. The module is parsed with a real parser; its imports of
 * `@aws-appsync/utils` and `@aws-appsync/utils/dynamodb` become bindings to the
 * sandbox's modules (whatever local names esbuild chose, e.g. `util2`), and its
 * exports become the returned handlers. Line and column numbers of the bundle
 * are preserved, so runtime errors point at the same place as on AppSync.
 * (vm.SourceTextModule would need --experimental-vm-modules.)
 */
import vm from 'node:vm';
import type { Program, ModuleDeclaration, Statement } from 'acorn';
import { ResolverLoadError } from '../errors.js';
import { assertAppSyncSyntax, parseModule, sourceLocator } from './checkSyntax.js';
import type { Sandbox } from './sandbox.js';
import { errorMessage } from '../../../lib/toError.js';
import { isNode, walkNodes } from './walkNodes.js';

/** The handlers of a loaded bundle. */
export interface LoadedBundle {
  readonly file: string;
  /** Maps a (line, column) of the instrumented code back to the bundle's own column. */
  readonly originalColumn: (line: number, column: number) => number;
  readonly exports: ReadonlyMap<string, unknown>;
  /** `request` / `response` when exported (functions of the sandbox realm). */
  readonly request: unknown;
  readonly response: unknown;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Keeps the line count of a replaced range, so later lines keep their numbers. */
function sameLines(original: string, text: string): string {
  const newlines = original.split('\n').length - 1;
  return text + '\n'.repeat(newlines);
}

function moduleId(node: { source: { value?: unknown } }): string {
  return String(node.source.value);
}

const TICK = '__appsync_tick();';

/**
 * Globals a module reads bound once as locals of its wrapper: in a `node:vm`
 * context every global lookup goes through the context's interceptor, which
 * costs far more than the work of a typical resolver line (`Math.floor`,
 * `Number.isFinite`, `JSON.stringify`). Only names every sandbox defines;
 * whatever else the code reads is still looked up globally.
 */
const BOUND_GLOBALS = [
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Math',
  'JSON',
  'Date',
  'Symbol',
  'Map',
  'Set',
  'Error',
  'TypeError',
  'RangeError',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'util',
  'extensions',
  'runtime',
  'console',
];
const GLOBAL_BINDINGS = `let { ${BOUND_GLOBALS.join(', ')} } = globalThis;`;

/**
 * Budget checks at every loop iteration and function entry (APPSYNC_JS has no
 * while/for(;;), so for-of/for-in and functions are the only ways to spend time).
 */
export function tickInsertions(program: Program): Edit[] {
  const edits: Edit[] = [];
  for (const node of walkNodes(program)) {
    const body = node['body'];
    if (
      (node.type === 'FunctionDeclaration' ||
        node.type === 'FunctionExpression' ||
        node.type === 'ArrowFunctionExpression') &&
      isNode(body)
    ) {
      if (body.type === 'BlockStatement') edits.push({ start: body.start + 1, end: body.start + 1, text: TICK });
      else {
        edits.push({ start: body.start, end: body.start, text: '(__appsync_tick(), ' });
        edits.push({ start: body.end, end: body.end, text: ')' });
      }
    } else if ((node.type === 'ForOfStatement' || node.type === 'ForInStatement') && isNode(body)) {
      if (body.type === 'BlockStatement') edits.push({ start: body.start + 1, end: body.start + 1, text: TICK });
      else {
        edits.push({ start: body.start, end: body.start, text: `{${TICK}` });
        edits.push({ start: body.end, end: body.end, text: '}' });
      }
    }
  }
  return edits;
}

/** Rewrites the module's import/export declarations into a function body returning its exports. */
export function rewriteModule(
  program: Program,
  code: string,
  file: string,
  knownModules: ReadonlySet<string>,
): { body: string; exportNames: Map<string, string>; originalColumn: (line: number, column: number) => number } {
  const edits: Edit[] = [];
  const exportNames = new Map<string, string>(); // exported name -> local binding
  const locate = sourceLocator(code, file);
  const refuse = (node: Statement | ModuleDeclaration, why: string): never => {
    const line = node.loc?.start.line ?? 0;
    const column = (node.loc?.start.column ?? 0) + 1;
    throw new ResolverLoadError(`${locate(line, column)}: ${why}`, file, line, column);
  };
  let defaultCount = 0;
  for (const node of program.body) {
    const original = code.slice(node.start, node.end);
    switch (node.type) {
      case 'ImportDeclaration': {
        const id = moduleId(node);
        if (!knownModules.has(id)) {
          refuse(
            node,
            `import of "${id}" — APPSYNC_JS code can only import @aws-appsync/utils and @aws-appsync/utils/dynamodb (bundle everything else)`,
          );
        }
        const src = JSON.stringify(id);
        const parts: string[] = [];
        const named: string[] = [];
        for (const s of node.specifiers) {
          if (s.type === 'ImportNamespaceSpecifier') parts.push(`const ${s.local.name} = __appsync_import(${src});`);
          else if (s.type === 'ImportDefaultSpecifier')
            parts.push(`const ${s.local.name} = __appsync_import(${src}).default;`);
          else {
            const imported = s.imported.type === 'Identifier' ? s.imported.name : String(s.imported.value);
            named.push(`${JSON.stringify(imported)}: ${s.local.name}`);
          }
        }
        if (named.length > 0) parts.push(`const { ${named.join(', ')} } = __appsync_import(${src});`);
        edits.push({ start: node.start, end: node.end, text: sameLines(original, parts.join(' ')) });
        break;
      }
      case 'ExportNamedDeclaration': {
        if (node.source) refuse(node, 're-exports from other modules are not supported in a resolver bundle');
        if (node.declaration) {
          const decl = node.declaration;
          edits.push({ start: node.start, end: decl.start, text: ' '.repeat(decl.start - node.start) });
          if (decl.type === 'FunctionDeclaration') exportNames.set(decl.id.name, decl.id.name);
          else if (decl.type === 'VariableDeclaration') {
            for (const d of decl.declarations) {
              if (d.id.type !== 'Identifier') refuse(node, 'destructuring exports are not supported');
              else exportNames.set(d.id.name, d.id.name);
            }
          } else refuse(node, 'only functions and variables can be exported');
        } else {
          for (const s of node.specifiers) {
            const local = s.local.type === 'Identifier' ? s.local.name : String(s.local.value);
            const exported = s.exported.type === 'Identifier' ? s.exported.name : String(s.exported.value);
            exportNames.set(exported, local);
          }
          edits.push({ start: node.start, end: node.end, text: sameLines(original, '') });
        }
        break;
      }
      case 'ExportDefaultDeclaration': {
        const local = `__appsync_default${defaultCount++}`;
        edits.push({ start: node.start, end: node.declaration.start, text: `const ${local} = ` });
        exportNames.set('default', local);
        break;
      }
      case 'ExportAllDeclaration':
        refuse(node, 're-exports from other modules are not supported in a resolver bundle');
        break;
      default:
        break;
    }
  }
  edits.push(...tickInsertions(program));
  // Replacements never contain functions or loops, so insertions never fall inside them.
  const ordered = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i);
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const shifts = new Map<number, Array<{ column: number; length: number }>>();
  let body = '';
  let at = 0;
  for (const { e } of ordered) {
    body += code.slice(at, e.start) + e.text;
    at = e.end;
    if (e.start === e.end) {
      // 1-based line and 0-based column of the insertion in the original code.
      let line = lineStarts.length;
      while (line > 1 && (lineStarts[line - 1] ?? 0) > e.start) line -= 1;
      const list = shifts.get(line) ?? [];
      list.push({ column: e.start - (lineStarts[line - 1] ?? 0), length: e.text.length });
      shifts.set(line, list);
    }
  }
  body += code.slice(at);
  const entries = [...exportNames].map(([exported, local]) => `${JSON.stringify(exported)}: ${local}`);
  body += `\nreturn { ${entries.join(', ')} };`;
  const originalColumn = (line: number, column: number): number => {
    let shift = 0;
    for (const s of shifts.get(line) ?? []) {
      // In the instrumented line, insertion s spans [s.column + shift, s.column + shift + s.length).
      if (column - 1 >= s.column + shift + s.length) shift += s.length;
      else break;
    }
    return column - shift;
  };
  return { body, exportNames, originalColumn };
}

/**
 * Loads a bundle into the sandbox, refusing code AppSync would refuse.
 * @throws ResolverLoadError with file and line for forbidden syntax or imports.
 */
export function loadBundle(code: string, file: string, sandbox: Sandbox, timeoutMs: number): LoadedBundle {
  const program = parseModule(code, file);
  assertAppSyncSyntax(program, code, file);
  const { body, originalColumn } = rewriteModule(program, code, file, sandbox.moduleIds);
  // The wrapper sits on its own first line; lineOffset -1 keeps bundle line numbers. The module's code runs
  // in an inner function, so that its own declarations may shadow the globals bound around it.
  const source = `(function (__appsync_import, __appsync_tick) { 'use strict'; ${GLOBAL_BINDINGS} return (function () { 'use strict';\n${body}\n})(); })`;
  let script: vm.Script;
  try {
    script = new vm.Script(source, { filename: file, lineOffset: -1 });
  } catch (err) {
    throw new ResolverLoadError(`${file}: ${errorMessage(err)}`, file, 0, 0, { cause: err });
  }
  const factory = sandbox.run(script, timeoutMs);
  const exported = sandbox.call(sandbox.loadModule, factory, timeoutMs) as Record<string, unknown>;
  const exports = new Map(Object.entries(exported));
  return { file, originalColumn, exports, request: exports.get('request'), response: exports.get('response') };
}
