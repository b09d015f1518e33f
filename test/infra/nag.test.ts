import { type Acknowledgment, App, type Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createTrailGuardStack } from '../../lib/trailguard-app';
import type { TrailGuardStack } from '../../lib/trailguard-stack';
import { synth, TRUSTED_CONTEXT } from './synth';

/**
 * cdk-nag 3 is a CDK policy-validation plugin: it reports violations instead of writing annotations, and reads
 * acknowledgements (`Validations.of(scope).acknowledge`) from construct metadata. `validateScope` is its entry
 * point for direct use; `bin/app.ts` registers the same pack with `Validations.of(app).addPlugins`.
 */
interface Finding {
  readonly id: string;
  readonly path: string;
  readonly severity: string;
}

function nagFindings(stack: Stack): Finding[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      id: violation.ruleName,
      path: resource.constructPath ?? '(no construct path)',
      severity: violation.severity ?? 'unknown',
    })),
  );
}

interface RecordedAcknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement in the construct tree, from construct metadata. */
function acknowledgements(root: IConstruct): RecordedAcknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

const covers = (ack: { path: string }, finding: { path: string }) =>
  finding.path === ack.path || finding.path.startsWith(`${ack.path}/`);

let stack: TrailGuardStack;
beforeAll(() => {
  // With the optional trusted accounts and networks parameters, so they are checked too.
  ({ stack } = synth({ context: TRUSTED_CONTEXT }));
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error', () => {
    expect(nagFindings(stack).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('reports no unacknowledged warning', () => {
    expect(nagFindings(stack).filter((finding) => finding.severity !== 'error')).toEqual([]);
  });

  it('leaves no CDK error or warning annotation on the stack', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('gives every acknowledgement a real reason', () => {
    // Prepare
    const acks = acknowledgements(stack);
    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path}: ${ack.id}`).toBeGreaterThanOrEqual(20);
    }
  });

  it('acknowledges per finding on the construct that causes it, never on the stack or the app', () => {
    for (const ack of acknowledgements(stack)) {
      expect(ack.path).not.toBe(stack.node.path);
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
      if (ack.id.startsWith('AwsSolutions-IAM5'))
        expect(ack.id, 'IAM5 must name the exact wildcard').toMatch(/\[.+\]$/);
    }
  });

  it('acknowledges only findings that exist, and every finding that exists', () => {
    // Prepare: record acknowledgements instead of applying them, so cdk-nag reports every raw finding.
    const recorded: RecordedAcknowledgement[] = [];
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
      this: Validations,
      ...rules: Acknowledgment[]
    ) {
      const scope = (this as unknown as { scope: IConstruct }).scope;
      for (const rule of rules) recorded.push({ path: scope.node.path, id: rule.id, reason: rule.reason });
    });
    try {
      // Act
      const raw = nagFindings(createTrailGuardStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } })));
      // Assess
      expect(recorded.length).toBeGreaterThan(0);
      expect(raw.length).toBeGreaterThanOrEqual(recorded.length);
      expect(
        raw.filter((finding) => !recorded.some((ack) => ack.id === finding.id && covers(ack, finding))),
      ).toEqual([]);
      expect(
        recorded.filter((ack) => !raw.some((finding) => finding.id === ack.id && covers(ack, finding))),
      ).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
