import { describe, expect, it } from 'vitest';
import type { CaseTraits, RunMode, Target } from './modes.js';
import { decideMode, isQuerySql, skipFlags, traitsOf } from './modes.js';

const query: CaseTraits = { mode: '', tags: [], isQuery: true, hasRequestSource: true, hasBatchRequest: false };

function runs(traits: Partial<CaseTraits>, target: Target = 'standalone'): Record<RunMode, boolean> {
  const t = { ...query, ...traits };
  return {
    batch: decideMode(t, 'batch', target).run,
    request: decideMode(t, 'request', target).run,
    deploy: decideMode(t, 'deploy', target).run,
  };
}

describe('decideMode', () => {
  it('runs a plain query case everywhere', () => {
    expect(runs({})).toEqual({ batch: true, request: true, deploy: true });
  });

  it('matches skip flags as substrings, with the reference gotchas', () => {
    // "non-performance-sensitive-unsupport" contains "performance-sensitive-unsupport"
    expect(runs({ mode: 'non-performance-sensitive-unsupport, offline-unsupport' })).toEqual({
      batch: false,
      request: false,
      deploy: false,
    });
    // "batch-request-unsupport" contains "request-unsupport" but not "batch-unsupport"
    expect(runs({ mode: 'batch-request-unsupport, cli-unsupport' })).toEqual({ batch: true, request: false, deploy: false });
    // "rtidb-batch-unsupport" contains "batch-unsupport"
    expect(runs({ mode: 'rtidb-batch-unsupport' })).toEqual({ batch: false, request: true, deploy: true });
    expect(runs({ mode: 'request-unsupport, cluster-unsupport' })).toEqual({ batch: true, request: false, deploy: false });
    expect(runs({ mode: 'batch-unsupport,disk-unsupport' })).toEqual({ batch: false, request: true, deploy: true });
    expect(runs({ mode: 'procedure-unsupport' })).toEqual({ batch: true, request: true, deploy: false });
    for (const flag of ['hybridse-only', 'rtidb-unsupport', 'standalone-unsupport']) {
      expect(runs({ mode: flag })).toEqual({ batch: false, request: false, deploy: false });
    }
  });

  it('ignores flags of other runners', () => {
    for (const flag of ['cluster-unsupport', 'offline-unsupport', 'disk-unsupport', 'cli-unsupport', 'python-unsupport']) {
      expect(runs({ mode: flag })).toEqual({ batch: true, request: true, deploy: true });
    }
  });

  it('skips cluster-unsupport instead of standalone-unsupport against a cluster', () => {
    expect(runs({ mode: 'standalone-unsupport' }, 'cluster')).toEqual({ batch: true, request: true, deploy: true });
    expect(runs({ mode: 'cluster-unsupport' }, 'cluster')).toEqual({ batch: false, request: false, deploy: false });
    expect(runs({ mode: 'python-unsupport, cluster-unsupport,cli-unsupport' }, 'cluster')).toEqual({
      batch: false,
      request: false,
      deploy: false,
    });
    // The other flags behave as in a standalone run.
    expect(runs({ mode: 'request-unsupport' }, 'cluster')).toEqual({ batch: true, request: false, deploy: false });
    expect(runs({ mode: 'procedure-unsupport' }, 'cluster')).toEqual({ batch: true, request: true, deploy: false });
    expect(runs({ tags: ['TODO'] }, 'cluster')).toEqual({ batch: false, request: false, deploy: false });
    const d = decideMode({ ...query, mode: 'request-unsupport, cluster-unsupport' }, 'batch', 'cluster');
    expect(!d.run && d.reason).toBe("mode 'request-unsupport, cluster-unsupport' contains 'cluster-unsupport'");
  });

  it('lists the same flags for both targets but the target one', () => {
    for (const mode of ['batch', 'request', 'deploy'] as const) {
      const standalone = skipFlags(mode, 'standalone');
      const cluster = skipFlags(mode, 'cluster');
      expect(standalone.filter((f) => f !== 'standalone-unsupport')).toEqual(cluster.filter((f) => f !== 'cluster-unsupport'));
      expect(standalone).toContain('standalone-unsupport');
      expect(standalone).not.toContain('cluster-unsupport');
      expect(cluster).toContain('cluster-unsupport');
      expect(cluster).not.toContain('standalone-unsupport');
    }
  });

  it('skips todo-tagged cases in every mode, whatever the case of the tag', () => {
    expect(runs({ tags: ['TODO', 'bug'] })).toEqual({ batch: false, request: false, deploy: false });
    expect(runs({ tags: ['todo'] })).toEqual({ batch: false, request: false, deploy: false });
    expect(runs({ tags: ['@chendihao, todo later'] })).toEqual({ batch: true, request: true, deploy: true });
    const d = decideMode({ ...query, tags: ['TODO'] }, 'batch', 'standalone');
    expect(!d.run && d.reason).toBe('tagged todo');
  });

  it('replays only query cases with request rows in request and deploy modes', () => {
    expect(runs({ isQuery: false })).toEqual({ batch: true, request: false, deploy: false });
    expect(runs({ hasRequestSource: false })).toEqual({ batch: true, request: false, deploy: false });
    expect(runs({ hasBatchRequest: true })).toEqual({ batch: false, request: true, deploy: true });
  });
});

describe('traitsOf', () => {
  it('reads mode, tags and the case shape tolerantly', () => {
    expect(traitsOf({ mode: 'request-unsupport', tags: 'TODO', sql: ' (SELECT 1)', inputs: [{ columns: [] }] })).toEqual({
      mode: 'request-unsupport',
      tags: ['TODO'],
      isQuery: true,
      hasRequestSource: true,
      hasBatchRequest: false,
    });
    expect(traitsOf({ sqls: ['select 1'], sql: 'select 1', inputs: [{}] }).isQuery).toBe(false);
    expect(traitsOf({ sql: 'create table t(c int);' }).isQuery).toBe(false);
    // inputs[0] loaded by explicit INSERT SQL has no rows to send as requests
    expect(traitsOf({ sql: 'select * from {0}', inputs: [{ create: 'c', insert: 'i' }] }).hasRequestSource).toBe(false);
    expect(traitsOf({ sql: 'select * from {0}', inputs: [{ create: 'c', insert: 'i ?', rows: [] }] }).hasRequestSource).toBe(true);
    expect(traitsOf({ sql: 'select 1', batch_request: { rows: [] } }).hasBatchRequest).toBe(true);
    expect(traitsOf({}).mode).toBe('');
  });

  it('recognises queries after comments', () => {
    expect(isQuerySql('-- note\nWITH t AS (select 1) select * from t')).toBe(true);
    expect(isQuerySql('/* x */ select 1')).toBe(true);
    expect(isQuerySql('desc t;')).toBe(false);
    expect(isQuerySql('selection')).toBe(false);
  });
});
