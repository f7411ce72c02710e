/**
 * A tiny require hook so a child process can run the TypeScript sources without a build:
 * `.ts` files are transpiled (typescript's transpileModule, CommonJS output), ESM-style
 * `./x.js` specifiers fall back to `./x.ts`, the tsconfig `paths` aliases resolve, and
 * `import.meta.url` becomes the file's URL.
 * Only for the crash tests' child processes: no type checking. Transpiled files are cached by
 * content hash (node_modules/.cache), so a child restarted many times by a kill test boots fast.
 */
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
const ts = require('typescript');

const root = path.resolve(__dirname, '../..');
const { paths = {} } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;

function applyAlias(request) {
  for (const [pattern, [target]] of Object.entries(paths)) {
    if (pattern.endsWith('/*')) {
      const prefix = pattern.slice(0, -1);
      if (request.startsWith(prefix)) return path.join(root, target.replace('*', request.slice(prefix.length)));
    } else if (request === pattern) {
      return path.join(root, target);
    }
  }
  return request;
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  let target = applyAlias(request);
  if (target.endsWith('.js') && (target.startsWith('.') || path.isAbsolute(target))) {
    const absolute = path.resolve(parent && parent.filename ? path.dirname(parent.filename) : process.cwd(), target);
    const tsFile = `${absolute.slice(0, -3)}.ts`;
    if (!fs.existsSync(absolute) && fs.existsSync(tsFile)) target = tsFile;
  }
  return resolveFilename.call(this, target, parent, ...rest);
};

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  inlineSourceMap: true,
};
const cacheDir = path.join(root, 'node_modules', '.cache', 'register-ts');

function transpile(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(`${ts.version}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // CommonJS has no import.meta: the file's own URL is what ES modules read from it.
    const commonJsSource = source.replace(
      /\bimport\.meta\.url\b/g,
      "require('node:url').pathToFileURL(__filename).href",
    );
    const { outputText } = ts.transpileModule(commonJsSource, { fileName: filename, compilerOptions });
    // Written aside and renamed, so a child killed mid-write never leaves a torn cache entry.
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, outputText);
    fs.renameSync(partial, cached);
    return outputText;
  }
}

Module._extensions['.ts'] = function (module, filename) {
  module._compile(transpile(filename), filename);
};
