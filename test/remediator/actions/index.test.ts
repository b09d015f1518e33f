import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../../lambdas/engine/types';
import { ACTION_ENABLED_BY_DEFAULT } from '../../../lambdas/remediator/action-switches';
import { ACTIONS, getAction, isActionId, UnknownActionError } from '../../../lambdas/remediator/actions';

describe('ACTIONS', () => {
  it.each(ACTION_IDS)('registers %s under its own id', (id) => {
    expect(ACTIONS[id].id).toBe(id);
    expect(getAction(id)).toBe(ACTIONS[id]);
  });

  it('has exactly one action per ActionId', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual([...ACTION_IDS].sort());
  });

  it('describes every action, and marks reversible every action but deleting a login profile', () => {
    for (const action of Object.values(ACTIONS)) {
      expect(action.reversible, action.id).toBe(action.id !== 'iam.delete-login-profile');
      expect(action.summary.length).toBeGreaterThan(10);
    }
  });

  it('switches off by default exactly the irreversible actions', () => {
    for (const action of Object.values(ACTIONS)) {
      expect(ACTION_ENABLED_BY_DEFAULT[action.id], action.id).toBe(action.reversible);
    }
  });
});

describe('getAction', () => {
  it.each(['iam.delete-user', 'constructor', '__proto__', 'toString', ''])(
    'throws UnknownActionError when the id is %j',
    (id) => {
      expect(() => getAction(id)).toThrow(UnknownActionError);
      expect(isActionId(id)).toBe(false);
    },
  );
});
