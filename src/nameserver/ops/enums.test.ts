import { describe, expect, it } from 'vitest';
import { isFinished, OP_TYPE, TASK_STATUS, TASK_TYPE } from './enums.js';

describe('enums', () => {
  it('keeps the reference numbering', () => {
    expect(OP_TYPE.kMakeSnapshotOP).toBe(1);
    expect(OP_TYPE.kChangeLeaderOP).toBe(4);
    expect(OP_TYPE.kReAddReplicaSimplifyOP).toBe(9);
    expect(OP_TYPE.kMigrateOP).toBe(11);
    expect(OP_TYPE.kRecoverTableOP).toBe(14);
    expect(OP_TYPE.kDeployOP).toBe(21);
    expect(TASK_TYPE.kSelectLeader).toBe(15);
    expect(TASK_TYPE.kCheckBinlogSyncProgress).toBe(18);
    expect(TASK_TYPE.kCreateProcedure).toBe(35);
    expect(TASK_STATUS).toEqual({ kInited: 1, kDoing: 2, kDone: 3, kFailed: 4, kCanceled: 5 });
  });

  it('has no duplicate values, and our own task type sits outside the reference range', () => {
    for (const table of [OP_TYPE, TASK_TYPE, TASK_STATUS]) {
      const values = Object.values(table);
      expect(new Set(values).size).toBe(values.length);
    }
    expect(TASK_TYPE.kFenceOldLeader).toBeGreaterThan(Math.max(...Object.values(TASK_TYPE).filter((v) => v !== 1001)));
  });

  it('treats Done, Failed and Canceled as finished', () => {
    expect(Object.keys(TASK_STATUS).filter((s) => isFinished(s as keyof typeof TASK_STATUS))).toEqual(['kDone', 'kFailed', 'kCanceled']);
  });
});
