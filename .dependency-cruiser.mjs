/**
 * The layers of the pipeline, as rules: `npm run check:layers` (part of `.ci/run`) fails on any
 * import that breaks them. Bottom to top, each layer may import the layers below it and never
 * one above; docs/architecture.md says how to read a violation.
 */

/** Small modules every layer may use; they import nothing of ours. */
const LEAVES = '^src/(text|redact|proxy|version|inputs|time|levels|json-message)\\.ts$';

/** The stages in pipeline order, then what composes them, then the entry points. */
const LAYERS = [
  ['sources', '^src/sources/'],
  ['signatures', '^src/signatures/'],
  ['compare', '^src/compare/'],
  ['incidents', '^src/incidents/'],
  ['commits', '^src/commits/'],
  ['ai', '^src/ai/'],
  ['report', '^src/report/'],
  ['config', '^src/config\\.ts$'],
  ['pipeline', '^src/(pipeline\\.ts|demo/)'],
  ['entries', '^src/(main|commands|index|cli)\\.ts$'],
];

const upward = LAYERS.flatMap(([name, path], i) => {
  const above = LAYERS.slice(i + 1);
  if (above.length === 0) return [];
  return [
    {
      name: `${name}-imports-only-below`,
      comment: `${name} may import only ${['leaves', ...LAYERS.slice(0, i).map(([n]) => n)].join(', ')}; not ${above.map(([n]) => n).join(', ')}.`,
      severity: 'error',
      from: { path },
      to: { path: above.map(([, p]) => p) },
    },
  ];
});

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'An import cycle: modules that need each other cannot be read, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'leaves-import-only-leaves',
      comment:
        'Leaf modules (text, redact, proxy, version, inputs, time, levels, json-message) are used by every layer, so they depend on no layer.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^src/', pathNot: LEAVES },
    },
    {
      name: 'src-never-imports-tests-or-scripts',
      comment: 'The product does not depend on its tests, fixtures or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(__tests__|__fixtures__|scripts)/' },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
