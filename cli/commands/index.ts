import type { Command } from '../types';
import { poll } from './poll';
import { posture } from './posture';
import { redriveCommand } from './redrive';
import { remediationsList } from './remediations-list';
import { rulesCoverage } from './rules-coverage';
import { rulesList } from './rules-list';
import { rulesShow } from './rules-show';
import { rulesTest } from './rules-test';
import { scan } from './scan';
import { status } from './status';
import { undo } from './undo';

/** Every CLI command. Add a command: one file in this folder, one line here. */
export const COMMANDS: readonly Command[] = [
  rulesList,
  rulesShow,
  rulesTest,
  rulesCoverage,
  scan,
  posture,
  remediationsList,
  undo,
  poll,
  status,
  redriveCommand,
];
