import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the SDK in a browser', () => {
  it('bundles for the browser without any Node built-in (globalThis.WebSocket and fetch only)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../client/index.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.startsWith('node:') || /(^|\/)(ws|buffer|crypto)\//.test(path))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from "node:|require\("node:/);
    expect(code).toContain('graphql-ws');
  });
});
