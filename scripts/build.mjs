// Compiles every app, lib, tool and script to dist/ with swc (type checking is `npm run lint`'s job).
// Path aliases (@portcullis/<lib>) are rewritten to relative requires, so dist runs on plain node.
import { readdir, mkdir, writeFile, rm, rename } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFile } from '@swc/core';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist');
const sources = ['apps', 'libs', 'tools', 'scripts', 'bench'];

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'test') yield* walk(p);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')) {
      yield p;
    }
  }
}

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: root,
    paths: { '@portcullis/*': ['libs/*/src/index.ts'] },
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
  swcrc: false,
};

const started = Date.now();
// Build beside dist/ and swap it in, so processes already running from dist/ are not left without files.
const staging = `${out}.staging-${process.pid}`;
await rm(staging, { recursive: true, force: true });
const files = [];
for (const dir of sources) for await (const f of walk(join(root, dir))) files.push(f);
await Promise.all(
  files.map(async (file) => {
    const rel = relative(root, file);
    const target = join(staging, rel.replace(/\.ts$/, '.js'));
    const result = await transformFile(file, {
      ...options,
      filename: file,
      sourceFileName: relative(dirname(target), file),
    });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${result.code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (result.map) await writeFile(`${target}.map`, result.map);
  }),
);
const retired = `${out}.retired-${process.pid}`;
await rename(out, retired).catch(() => undefined);
await rename(staging, out);
await rm(retired, { recursive: true, force: true });
process.stdout.write(`build: ${files.length} files compiled to dist/ in ${Date.now() - started} ms\n`);
