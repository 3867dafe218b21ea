import { describe, expect, it } from 'vitest';
import { type NodeFacts, planUpgrade } from './upgrade-plan.js';

const node = (role: NodeFacts['role'], n: number): NodeFacts => ({ component: role, role, dir: `/d/${role}${n}`, endpoint: `127.0.0.1:${role.length}${n}`, version: '0.1.0' });

describe('planUpgrade', () => {
  const nodes = [node('tablet', 1), node('apiserver', 1), node('nameserver', 1), node('tablet', 2), node('nameserver', 2), node('nameserver', 3)];

  it('orders nameserver standbys, then the leader, then tablets, then API servers, keeping hosts-file order within a role', () => {
    const p = planUpgrade({ toDir: '/new', toVersion: '0.2.0', nodes, nameserverLeader: node('nameserver', 2).endpoint });
    expect(p.ok && p.value.nodes.map((n) => n.dir)).toEqual([
      '/d/nameserver1',
      '/d/nameserver3',
      '/d/nameserver2',
      '/d/tablet1',
      '/d/tablet2',
      '/d/apiserver1',
    ]);
    expect(p.ok && p.value.nodes[2]!.note).toMatch(/leader/);
  });

  it('gives each role its steps: tablets are prepared, recovered and caught up; API servers only restarted', () => {
    const p = planUpgrade({ toDir: '/new', toVersion: '0.2.0', nodes, nameserverLeader: undefined });
    if (!p.ok) throw new Error(p.message);
    const steps = (dir: string) => p.value.nodes.find((n) => n.dir === dir)!.steps;
    expect(steps('/d/tablet1')).toEqual(['prepare', 'offline', 'stop', 'backup', 'swap', 'conf', 'start', 'recover', 'catchup', 'post', 'verify']);
    expect(steps('/d/nameserver1')).toEqual(['stop', 'backup', 'swap', 'conf', 'start', 'catchup', 'verify']);
    expect(steps('/d/apiserver1')).toEqual(['stop', 'backup', 'swap', 'conf', 'start', 'verify']);
    expect(p.value.nodes.slice(0, 3).map((n) => n.dir)).toEqual(['/d/nameserver1', '/d/nameserver2', '/d/nameserver3']);
  });

  it('refuses two nodes with one endpoint, or a node without an endpoint', () => {
    const dup = { ...node('tablet', 9), endpoint: node('tablet', 1).endpoint };
    expect(planUpgrade({ toDir: '/n', toVersion: 'x', nodes: [node('tablet', 1), dup], nameserverLeader: undefined })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/both use endpoint/),
    });
    expect(planUpgrade({ toDir: '/n', toVersion: 'x', nodes: [{ ...node('tablet', 1), endpoint: '' }], nameserverLeader: undefined })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/sets no --endpoint/),
    });
  });
});
