import type { SimulationReport } from './simulation.js';

/** The summary `npm run sim` prints; with violations, the seed to replay and the last trace lines. */
export function formatReport(r: SimulationReport, traceLines = 60): string {
  const kv = (o: Record<string, number>): string =>
    Object.entries(o)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const lines = [
    `seed ${r.seed}, ${r.steps} fault-phase steps: ${r.events} events, ${(r.fakeTimeMs / 1000).toFixed(1)} s of simulated time, trace ${r.traceHash}`,
    `faults:  ${kv(r.faults)}`,
    `ops:     ${kv(r.ops.byStatus)} (${kv(r.ops.byType)})`,
    `writes:  ${r.writes.attempted} attempted, ${r.writes.acked} acknowledged, ${r.writes.failed} failed (${kv(r.writes.failuresByCode)}), ${r.writes.pending} pending`,
    `         acknowledged but lost: ${r.writes.lostSync} on sync tables, ${r.writes.lostAsync} on async tables; progress writes ${r.writes.probeAcked}/${r.writes.probeAttempted}`,
    `network: ${kv(r.network as unknown as Record<string, number>)}`,
    `recovery: ${r.recovery}${r.operator ? ` (operator: ${r.operator.actions.length} commands, ${r.operator.failures.length} failed${r.operator.failures.length > 0 ? `: ${r.operator.failures.slice(0, 3).join('; ')}` : ''})` : ''}`,
    `checks:  ${Object.entries(r.checks)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.violations.length === 0) {
    lines.push('result:  PASS');
    return lines.join('\n');
  }
  lines.push(`result:  FAIL, ${r.violations.length} violation(s) — replay with: npm run sim -- --seed ${r.seed} --steps ${r.steps} --verbose`);
  for (const v of r.violations) lines.push(`  [${v.check}] ${v.message}`);
  lines.push(`last ${Math.min(traceLines, r.trace.length)} trace lines:`);
  for (const l of traceLines > 0 ? r.trace.slice(-traceLines) : []) lines.push(`  ${l}`);
  return lines.join('\n');
}
