#!/usr/bin/env node
// Prints the outcome of every step of `npm test` and the test counts, and exits non-zero
// when anything failed.
const fs = require('node:fs');
const path = require('node:path');

const [artifacts, stepList, resultList, durationList] = process.argv.slice(2);
const steps = stepList.split(' ');
const results = resultList.split(' ').map(Number);
const durations = durationList.split(' ').map(Number);

let passed = 0;
let failed = 0;
console.log('\nLinli test summary');
steps.forEach((step, i) => {
  const report = path.join(artifacts, `jest-${step}.json`);
  let counts = '';
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    failed += json.numFailedTests + json.numRuntimeErrorTestSuites;
    counts = ` ${json.numPassedTests} passed, ${json.numFailedTests} failed`;
  } else {
    if (results[i] === 0) passed += 1;
    else failed += 1;
  }
  console.log(
    `  ${results[i] === 0 ? 'ok  ' : 'FAIL'} ${step.padEnd(18)} ${String(durations[i]).padStart(4)} s${counts}`,
  );
});
const failedSteps = steps.filter((_, i) => results[i] !== 0);
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failedSteps.length || failed ? 1 : 0);
