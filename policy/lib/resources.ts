/**
 * What every policy needs: the resource types the pack checks, the stack a URN belongs to, XO tag
 * parsing, and safe reads of values that are unknown during `pulumi preview`.
 */
import { UnknownValueError } from "@pulumi/policy";

export const VM_TYPE = "xenorchestra:index/vm:Vm";
export const NETWORK_TYPE = "xenorchestra:index/xoaNetwork:XoaNetwork";

/** The stack of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`); "" when malformed. */
export function stackOfUrn(urn: string): string {
  const head = urn.split("::")[0] ?? "";
  return head.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : "";
}

/**
 * Reads a value through the policy SDK's unknown-checking proxy. During preview an input that
 * depends on a resource not created yet is unknown and reading it throws: such a value cannot be
 * judged now (it is judged at `pulumi up`), so it reads as undefined.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type Field = { known: true; value: unknown } | { known: false };

/** Reads `key` of an input object, telling an unknown value (preview) from an absent one. */
export function field(value: unknown, key: string): Field {
  if (!isRecord(value)) return { known: true, value: undefined };
  try {
    return { known: true, value: value[key] };
  } catch (error) {
    if (error instanceof UnknownValueError) return { known: false };
    throw error;
  }
}

/** The known elements of an array input; `complete` is false when some element is unknown. */
export function knownItems(value: unknown): { items: unknown[]; complete: boolean } {
  if (!Array.isArray(value)) return { items: [], complete: true };
  const items: unknown[] = [];
  let complete = true;
  for (let i = 0; i < value.length; i++) {
    const item = known((): unknown => value[i]);
    if (item === undefined) complete = false;
    else items.push(item);
  }
  return { items, complete };
}

/** A known string field of an object input; undefined when absent, unknown or not a string. */
export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = known((): unknown => value[key]);
  return typeof field === "string" ? field : undefined;
}

/** XO tags `key=value` as a map from key to every value given for it (a bare `key` has value ""). */
export function parseTags(tags: unknown): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const tag of knownItems(tags).items) {
    if (typeof tag !== "string") continue;
    const at = tag.indexOf("=");
    const key = (at === -1 ? tag : tag.slice(0, at)).trim();
    const value = at === -1 ? "" : tag.slice(at + 1).trim();
    parsed.set(key, [...(parsed.get(key) ?? []), value]);
  }
  return parsed;
}

/** The policy's configuration with the defaults applied (the CLI passes {} when none is given). */
export function withDefaults<T extends object>(given: Partial<T>, defaults: T): T {
  const result = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = given[key];
    if (value !== undefined && value !== null) result[key] = value;
  }
  return result;
}
