// Lets node run this benchmark from its TypeScript source, compiled on the fly by swc exactly as jest
// does: `startStack` (libs/testing) finds the built services relative to its own source file, so it
// only works from source, not from dist/.
//   node -r ./bench/approval/ts-register.js bench/approval/decision-latency.ts
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '../..');
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
  sourceMaps: 'inline',
  swcrc: false,
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
