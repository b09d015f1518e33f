import { describe, expect, it } from 'vitest';
import { flowLogIds, rule as flowLogs } from '../../../lambdas/rules/vpc/flow-logs-deleted';
import { rule as acl, worldIngressCidr } from '../../../lambdas/rules/vpc/network-acl-open-to-world';
import { loadFixture } from '../support';

describe('vpc.flow-logs-deleted', () => {
  it('finds flow log ids in every request shape and ignores other strings', () => {
    // Prepare
    const event = loadFixture('vpc.flow-logs-deleted', 'positive', 'query-api-shape');
    event.requestParameters = {
      DeleteFlowLogsRequest: {
        FlowLogId: [
          { content: 'fl-0a1b2c3d4e5f60718', tag: 1 },
          { content: 'fl-0b1b2c3d4e5f60719', tag: 2 },
        ],
      },
      note: 'fl-not-an-id',
    };

    // Assess
    expect(flowLogIds(event)).toEqual(['fl-0a1b2c3d4e5f60718', 'fl-0b1b2c3d4e5f60719']);
    expect(flowLogs.summarize(event)).toBe(
      'Role app-backend (session i-0a1b2c3d4e5f60718) deleted VPC flow logs fl-0a1b2c3d4e5f60718, fl-0b1b2c3d4e5f60719 in eu-west-1 from 198.51.100.23.',
    );
  });
});

describe('vpc.network-acl-open-to-world', () => {
  it('treats an entry without egress as ingress and describes its ports', () => {
    // Prepare
    const event = loadFixture('vpc.network-acl-open-to-world', 'positive', 'ssh-allowed-from-world');
    const { egress: _egress, ...rest } = event.requestParameters as Record<string, unknown>;
    event.requestParameters = rest;

    // Assess
    expect(worldIngressCidr(event)).toBe('0.0.0.0/0');
    expect(acl.summarize(event)).toBe(
      'IAM user alice allowed inbound protocol 6 port 22 from 0.0.0.0/0 in network ACL "acl-0a1b2c3d4e5f60718" (rule 90) from 198.51.100.23.',
    );
  });
});
