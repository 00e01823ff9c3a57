// The CPU time of one fixed piece of work (PBKDF2-SHA256, the real stack's handler work) after
// idle gaps of different lengths: is a request that wakes an idle machine dearer than one that
// follows another? Gap lengths are interleaved (rounds of every gap, three times) so drift over
// the run does not favour one. Prints the median and mean CPU time per gap.
//   taskset -c 1 nodejs tests/realstack/idle_cpu_probe.js [ITERATIONS] [CALLS_PER_ROUND] [GAPS_MS]
// GAPS_MS: a comma-separated list of gaps in milliseconds (default 0,5,15,20,25,40,60,100).
// Found on the 2-vCPU development VM (2026-12-06): 1.44 ms of work back to back or after gaps of
// up to 20 ms, 1.66-1.85 ms after gaps of 25-100 ms (docs/calibrate.md, "Wake-up CPU").
'use strict';
const crypto = require('crypto');

const iterations = Number(process.argv[2] || 4000);
const perRound = Number(process.argv[3] || 30);
const gapsMs = (process.argv[4] || '0,5,15,20,25,40,60,100').split(',').map(Number);
if (gapsMs.some((g) => !Number.isInteger(g) || g < 0 || g > 10000)) {
  console.error(`idle_cpu_probe.js: GAPS_MS must be whole milliseconds between 0 and 10000, got '${process.argv[4]}'`);
  process.exit(2);
}
const rounds = 3;
const cpuMs = new Map(gapsMs.map((g) => [g, []]));

function workOnce() {
  const before = process.cpuUsage();
  crypto.pbkdf2Sync('loadcast', 'realstack', iterations, 32, 'sha256');
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function series(gap, left, done) {
  if (left === 0) return done();
  cpuMs.get(gap).push(workOnce());
  const next = () => series(gap, left - 1, done);
  if (gap === 0) setImmediate(next);
  else setTimeout(next, gap);
}

function report() {
  console.log('gap_ms  median_cpu_ms  mean_cpu_ms  calls');
  for (const gap of gapsMs) {
    const v = cpuMs.get(gap).slice().sort((a, b) => a - b);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    console.log(`${String(gap).padStart(6)}  ${v[v.length >> 1].toFixed(3).padStart(13)}  ${mean.toFixed(3).padStart(11)}  ${v.length}`);
  }
}

for (let i = 0; i < 50; i++) workOnce();  // warm the code first
const order = [];
for (let r = 0; r < rounds; r++) order.push(...gapsMs);
let at = 0;
(function nextGap() {
  if (at === order.length) return report();
  series(order[at++], perRound, nextGap);
})();
