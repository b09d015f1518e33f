import type { PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AlerterDeps, alert, type WindowCheck } from '../../lambdas/alerter/alert';
import type { Digest } from '../../lambdas/alerter/documents';
import { InMemoryWindowStore } from '../../lambdas/alerter/window-store';
import { InMemoryStateStore } from '../../lambdas/engine/state/memory';
import type { Finding } from '../../lambdas/engine/types';
import { recordingLog } from '../../lambdas/shared/log';
import { findingBody, highFinding, machineOf, repeatOf } from './support';

/**
 * Property: whatever the event times, arrival order, redeliveries (prompt or late) and window length, every finding reaches people
 * exactly once, either emailed on its own or counted in exactly one digest. The state lives in memory and SNS is a
 * recorder here: the property needs hundreds of runs of dozens of messages, which the emulator-backed tests in
 * aggregation.test.ts cover path by path.
 */
const NUM_RUNS = 200;
const T0 = Date.parse('2025-03-11T08:00:00Z');

let base: Finding;
beforeAll(async () => {
  base = await highFinding();
});

/** Deliveries of findings of one rule and principal: offsets in seconds, each delivered once or twice. */
const scenario = fc.record({
  windowSeconds: fc.constantFrom(60, 300, 900, 3600),
  deliveries: fc.array(
    fc.record({ offset: fc.integer({ min: -3600, max: 4 * 3600 }), times: fc.integer({ min: 1, max: 2 }) }),
    {
      minLength: 1,
      maxLength: 30,
    },
  ),
  /** After which deliveries the due checks run, with the wall clock at the latest event time plus this. */
  /** Findings delivered once more at the very end (late duplicates from SQS or EventBridge). */
  lateRedeliveries: fc.array(fc.nat(29), { maxLength: 5 }),
  checkPoints: fc.array(fc.record({ after: fc.nat(30), lag: fc.integer({ min: 0, max: 3 * 3600 }) }), {
    maxLength: 5,
  }),
});

describe('alert aggregation (property)', () => {
  it('reports every finding exactly once, alone or in one digest, whatever the order, redeliveries and window', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ windowSeconds, deliveries, lateRedeliveries, checkPoints }) => {
        // Prepare
        const published: PublishCommandInput[] = [];
        const sns = {
          send: async (command: { input: PublishCommandInput }) => published.push(command.input),
        };
        const pending: WindowCheck[] = [];
        let now = new Date(T0);
        const deps: AlerterDeps = {
          sns: sns as unknown as SNSClient,
          topicArn: 'arn:aws:sns:us-east-1:111122223333:alerts',
          state: new InMemoryStateStore(() => now.getTime()),
          windows: new InMemoryWindowStore(),
          settings: async () => ({
            escalationMinSeverity: 'critical',
            aggregationWindowSeconds: windowSeconds,
          }),
          scheduleCheck: async (check) => {
            pending.push(check);
          },
          log: recordingLog(),
          render: () => ({ now }),
          now: () => now,
        };
        const findings = deliveries.map((d, i) =>
          repeatOf(base, i, new Date(T0 + d.offset * 1000).toISOString()),
        );
        const runChecks = async () => {
          for (const check of pending.splice(0)) await alert(JSON.stringify(check), 'check', deps);
        };

        // Act
        let latest = Number.NEGATIVE_INFINITY;
        for (const [i, finding] of findings.entries()) {
          latest = Math.max(latest, Date.parse(finding.eventTime));
          now = new Date(Math.max(now.getTime(), latest));
          for (let n = 0; n < (deliveries[i]?.times ?? 1); n++)
            await alert(findingBody(finding), `m-${i}-${n}`, deps);
          for (const point of checkPoints.filter((p) => p.after === i)) {
            now = new Date(latest + point.lag * 1000);
            await runChecks();
          }
        }
        for (const index of lateRedeliveries) {
          const finding = findings[index % findings.length] as Finding;
          await alert(findingBody(finding), `late-${index}`, deps);
        }
        // Much later: every window is over, every check due (a check that waits reschedules itself).
        now = new Date(latest + 48 * 3600 * 1000);
        for (let round = 0; round < 5 && pending.length > 0; round++) await runChecks();

        // Assess
        const documents = published.map((p) => machineOf(p));
        const alerted = documents.filter((d) => d.type === 'finding').map((d) => (d.finding as Finding).id);
        const digests = documents.filter((d) => d.type === 'digest').map((d) => d.digest as Digest);
        expect(pending).toEqual([]);
        expect(new Set(alerted).size).toBe(alerted.length);
        expect(new Set(digests.map((d) => d.id)).size).toBe(digests.length);
        expect(alerted.length + digests.reduce((n, d) => n + d.count, 0)).toBe(findings.length);
        for (const digest of digests) {
          expect(digest.count).toBeGreaterThan(0);
          expect(alerted).toContain(digest.alertedFindingId);
          for (const sample of digest.samples) expect(alerted).not.toContain(sample.findingId);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
