/**
 * Resource steps as the fleet shows them, read from the Automation API's engine events
 * (`onEvent`: resourcePreEvent when a step starts, resOutputsEvent when it is done,
 * resOpFailedEvent when it fails; @pulumi/pulumi automation/events.d.ts). Type-only import: this
 * file never loads the SDK.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

export type StepEvent =
  | { kind: "start"; op: string; type: string; name: string }
  | { kind: "done"; op: string; type: string; name: string }
  | { kind: "failed"; type: string; name: string };

/** The resource's name: the URN's last `::` segment (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts[parts.length - 1] ?? urn;
}

/** The step an engine event reports, or null for events that are not steps (prelude, output…). */
export function stepOf(event: EngineEvent): StepEvent | null {
  const pre = event.resourcePreEvent?.metadata;
  if (pre) return { kind: "start", op: pre.op, type: pre.type, name: nameOfUrn(pre.urn) };
  const done = event.resOutputsEvent?.metadata;
  if (done) return { kind: "done", op: done.op, type: done.type, name: nameOfUrn(done.urn) };
  const failed = event.resOpFailedEvent?.metadata;
  if (failed) return { kind: "failed", type: failed.type, name: nameOfUrn(failed.urn) };
  return null;
}

/** Every resource the plan touches or keeps: the sum of a change summary's counts. */
export function plannedSteps(changes: Partial<Record<string, number>> | null): number | null {
  if (changes === null) return null;
  const total = Object.values(changes).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return total > 0 ? total : null;
}

/** Past tense of an operation for the progress line: `created`, `updated`, `replaced`, … */
export function doneVerb(op: string): string {
  const verbs: Record<string, string> = {
    same: "unchanged",
    create: "created",
    update: "updated",
    delete: "deleted",
    replace: "replaced",
    "create-replacement": "created replacement",
    "delete-replaced": "deleted replaced",
    read: "read",
    refresh: "refreshed",
    import: "imported",
  };
  return verbs[op] ?? op;
}

/** Present participle for the operation in progress: `creating`, `updating`, … */
export function runningVerb(op: string): string {
  const verbs: Record<string, string> = {
    same: "checking",
    create: "creating",
    update: "updating",
    delete: "deleting",
    replace: "replacing",
    "create-replacement": "creating replacement",
    "delete-replaced": "deleting replaced",
    read: "reading",
    refresh: "refreshing",
    import: "importing",
  };
  return verbs[op] ?? op;
}
