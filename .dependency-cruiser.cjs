/**
 * Module isolation rules (DESIGN.md §2), run by `npm run check:isolation`.
 * - src/config imports nothing of ours
 * - src/shared imports only src/config (and itself)
 * - src/modules/X imports only src/shared, src/config and src/modules/X
 * - outside a slice, only its index.ts is imported
 * - src/bootstrap (the start-up both roots share) imports neither root
 * - the two roots (src/server, src/worker) never import each other
 * - no cycles anywhere
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'config-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'shared-imports-only-config',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: ['^src/shared/', '^src/config/'] },
    },
    {
      name: 'module-imports-only-shared-config-and-itself',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/', pathNot: ['^src/shared/', '^src/config/', '^src/modules/$1/'] },
    },
    {
      name: 'slice-entered-only-through-its-index',
      comment: 'Outside a slice, only src/modules/<slice>/index.ts may be imported (its public surface).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/.+', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'bootstrap-imports-no-root',
      severity: 'error',
      from: { path: '^src/bootstrap/' },
      to: { path: '^src/(server|worker)/' },
    },
    {
      name: 'api-root-does-not-import-worker-root',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/worker/' },
    },
    {
      name: 'worker-root-does-not-import-api-root',
      severity: 'error',
      from: { path: '^src/worker/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['src/shared/database/generated/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
