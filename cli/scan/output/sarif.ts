/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), for code-scanning dashboards and
 * CI annotations. One `reportingDescriptor` per rule scanned, one `result` per finding, located at the input file
 * (and line, when known) of the event that raised it; input problems become tool execution notifications.
 */
import { sep } from 'node:path';
import type { Rule, Severity } from '../../../lambdas/engine/types';
import { describeLocation } from '../location';
import type { Problem, ScanFinding, ScanSummary } from '../types';

/** SARIF result levels. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning's `security-severity` scale (0.1–10): critical ≥ 9, high ≥ 7, medium ≥ 4, low < 4. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.1',
};

/** A relative URI reference for a path as given (`<stdin>` becomes `stdin`). */
export function artifactUri(file: string): string {
  if (file === '<stdin>') return 'stdin';
  const posix = file.split(sep).join('/');
  return encodeURI(posix).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

const RESULTS_MARKER = '__TRAILGUARD_RESULTS__';

/** One SARIF result for a finding. */
export function sarifResult(f: ScanFinding, ruleIndex: ReadonlyMap<string, number>): Record<string, unknown> {
  const index = ruleIndex.get(f.ruleId);
  return {
    ruleId: f.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: LEVEL[f.severity],
    message: { text: f.summary },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(f.location.file) },
          ...(f.location.line !== undefined ? { region: { startLine: f.location.line } } : {}),
        },
        ...(f.location.pointer !== undefined
          ? { logicalLocations: [{ fullyQualifiedName: f.location.pointer, kind: 'element' }] }
          : {}),
      },
    ],
    partialFingerprints: { 'trailguardFindingId/v1': f.id },
    properties: {
      severity: f.severity,
      attack: f.attack,
      eventIds: f.eventIds,
      eventTime: f.eventTime,
      principal: f.principal,
      sourceIp: f.sourceIp,
      account: f.account,
      region: f.region,
      threshold: f.threshold,
      sequence: f.sequence,
      remediation: f.remediation,
    },
  };
}

/**
 * The SARIF log around its results, as the text before and after them, so results can be written one by one as
 * findings arrive. What comes before the results (the tool and its rules) does not depend on the scan's outcome.
 */
export function sarifFrame(input: {
  readonly rules: readonly Rule[];
  readonly version: string;
  readonly summary?: ScanSummary;
  readonly problems?: readonly Problem[];
}): { before: string; after: string } {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'TrailGuard',
            semanticVersion: input.version,
            rules: input.rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.description },
              help: { text: rule.runbook, markdown: rule.runbook },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: {
                tags: ['security', 'cloudtrail', ...rule.attack],
                'security-severity': SECURITY_SEVERITY[rule.severity],
                severity: rule.severity,
              },
            })),
          },
        },
        results: [RESULTS_MARKER],
        invocations: [
          {
            executionSuccessful: (input.summary?.files.unreadable ?? 0) === 0,
            toolExecutionNotifications: (input.problems ?? []).map((p) => ({
              level: p.kind === 'unreadable' || p.kind === 'damaged' ? 'error' : 'warning',
              message: { text: `${describeLocation(p.file, p.location)}: ${p.message}` },
              descriptor: { id: p.kind },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: artifactUri(p.file) },
                    ...(p.location?.line !== undefined ? { region: { startLine: p.location.line } } : {}),
                  },
                },
              ],
            })),
          },
        ],
        properties: { summary: input.summary ?? null },
      },
    ],
  };
  const text = JSON.stringify(log, null, 2);
  const at = text.indexOf(`"${RESULTS_MARKER}"`);
  // Drop the marker's own line: results are written between the two halves.
  const lineStart = text.lastIndexOf('\n', at);
  const lineEnd = text.indexOf('\n', at);
  return { before: text.slice(0, lineStart), after: text.slice(lineEnd + 1) };
}
