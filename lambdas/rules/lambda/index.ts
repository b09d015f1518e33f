import type { Rule } from '../../engine/types';
import { rule as codeUpdatedByHuman } from './code-updated-by-human';
import { rule as layerAddedByHuman } from './layer-added-by-human';
import { rule as layerMadePublic } from './layer-made-public';
import { rule as permissionMadePublic } from './permission-made-public';

/** The `lambda.*` rules. */
export const rules: readonly Rule[] = [
  codeUpdatedByHuman,
  layerAddedByHuman,
  layerMadePublic,
  permissionMadePublic,
];
