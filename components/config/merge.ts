/**
 * Deep merge of configuration layers, remembering which layer set each key so that a problem
 * can name its file. Objects merge key by key; arrays and scalars are replaced whole (a stack
 * that lists SSH keys replaces the environment's list instead of appending to it).
 */

export interface Layer {
  /** Where the values came from, as shown to the user. */
  source: string;
  values: Record<string, unknown>;
}

export interface Merged {
  values: Record<string, unknown>;
  /** dotted path → source of the layer that last set it */
  provenance: Map<string, string>;
}

/** Keys a merge into plain objects would turn into a prototype change (refused in sources.ts). */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mergeLayers(layers: Layer[]): Merged {
  const provenance = new Map<string, string>();
  const values: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(values, layer.values, [], layer.source, provenance);
  return { values, provenance };
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: string[],
  from: string,
  provenance: Map<string, string>,
): void {
  for (const [key, value] of Object.entries(source)) {
    // Refused with a message when the file is read (sources.ts); never assigned here.
    if (PROTOTYPE_KEYS.has(key)) continue;
    const here = [...path, key];
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) {
      provenance.set(here.join("."), from);
      mergeInto(existing, value, here, from, provenance);
    } else {
      target[key] = isPlainObject(value) ? structuredClone(value) : value;
      provenance.set(here.join("."), from);
      if (isPlainObject(value)) markAll(value, here, from, provenance);
    }
  }
}

function markAll(
  value: Record<string, unknown>,
  path: string[],
  from: string,
  provenance: Map<string, string>,
): void {
  for (const [key, child] of Object.entries(value)) {
    provenance.set([...path, key].join("."), from);
    if (isPlainObject(child)) markAll(child, [...path, key], from, provenance);
  }
}

/** The source of the deepest recorded prefix of `path`, or undefined when no layer set any of it. */
export function sourceOf(provenance: Map<string, string>, path: (string | number)[]): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const found = provenance.get(path.slice(0, n).join("."));
    if (found !== undefined) return found;
  }
  return undefined;
}
