import type { CommandEntry } from '../types';

/**
 * Every CLI command: the words that select it and its one-line summary, and how to load it. A command's module
 * (and everything it imports: the catalog, AWS SDK clients, worker pools) is loaded only when it runs, so
 * `trailguard --help` and each command start with only what they use. Add a command: one file in this folder,
 * one entry here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    path: ['rules', 'list'],
    summary: 'the detection catalog',
    load: async () => (await import('./rules-list')).rulesList,
  },
  {
    path: ['rules', 'show'],
    summary: 'everything about one rule: pattern, threshold, runbook, false positives, disagreements',
    load: async () => (await import('./rules-show')).rulesShow,
  },
  {
    path: ['rules', 'test'],
    summary: "run every rule's own fixture events and report pass/fail per rule",
    load: async () => (await import('./rules-test')).rulesTest,
  },
  {
    path: ['rules', 'coverage'],
    summary: 'which Panther, Sigma and Stratus items the catalog covers, and which it does not',
    load: async () => (await import('./rules-coverage')).rulesCoverage,
  },
  {
    path: ['scan'],
    summary: 'detect threats in archived CloudTrail logs (files, directories, stdin)',
    load: async () => (await import('./scan')).scan,
  },
  {
    path: ['posture'],
    summary: 'IAM posture checks (CIS AWS Foundations) against your account',
    load: async () => (await import('./posture')).posture,
  },
  {
    path: ['remediations', 'list'],
    summary: 'remediation decisions from the audit trail (what was done, skipped, dry-run, undone)',
    load: async () => (await import('./remediations-list')).remediationsList,
  },
  {
    path: ['undo'],
    summary: 'reverse a remediation (a whole finding or one step) and record the undo in the audit trail',
    load: async () => (await import('./undo')).undo,
  },
  {
    path: ['poll'],
    summary: "run the detection catalog over CloudTrail's event history (LookupEvents), locally",
    load: async () => (await import('./poll')).poll,
  },
  {
    path: ['status'],
    summary: 'health of a deployed stack on one screen',
    load: async () => (await import('./status')).status,
  },
  {
    path: ['redrive'],
    summary: 'move the messages of a dead-letter queue back to their queue, after a fix',
    load: async () => (await import('./redrive')).redriveCommand,
  },
];
