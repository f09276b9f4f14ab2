// node:test reporter: prints one closing line, `N passed, N failed`, counting leaf tests only
// (suites and tests that only group subtests are not counted). Used for the real-VS-Code suites.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  const hadChild = new Map(); // nesting → a deeper test finished since the last one at this level
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, details } = event.data;
    const parent = hadChild.get(nesting + 1) === true || details?.type === 'suite';
    hadChild.set(nesting + 1, false);
    hadChild.set(nesting, true);
    if (parent) {
      // A suite that failed without any test of its own having failed (e.g. its body threw) still counts.
      if (event.type === 'test:fail' && details?.error?.failureType !== 'subtestsFailed') failed++;
      continue;
    }
    if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `\n${passed} passed, ${failed} failed\n`;
}

