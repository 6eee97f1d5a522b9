/**
 * The configuration reference, generated from the one schema: the JSON Schema of the stack files
 * and environment layers (editor completion and validation) and the key table of
 * docs/configuration.md. Each key's description comes from the schema itself (`.describe()` on a
 * new key) or from descriptions.ts; tests/configReference.test.ts fails when a key has none, when
 * a description names a key that no longer exists, or when the generated files are not current
 * (`npm run config-reference` regenerates them).
 */
import { z } from "zod";
import { DESCRIPTIONS } from "./descriptions";
import { NAMESPACE } from "./errors";
import { specSchema } from "./schema";

/** The generated files, relative to the project root. */
export const CONFIG_DOC = "docs/configuration.md";
export const JSON_SCHEMA = "schemas/stack-config.schema.json";

/** A JSON Schema node, as z.toJSONSchema produces it (only the fields read here are typed). */
export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  required?: string[];
  [other: string]: unknown;
}

/** One documented key: its dotted path (`<name>` for a map's entries), type, default, meaning. */
export interface KeyRow {
  key: string;
  type: string;
  default: string;
  description: string | null;
}

/** The merged configuration's JSON Schema as zod sees its input (defaults shown, not required). */
function specJsonSchema(): JsonSchema {
  return z.toJSONSchema(specSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/** Every key path of `node`'s object properties, depth first, in the schema's order. */
function walk(node: JsonSchema, path: string[], visit: (path: string[], node: JsonSchema) => void): void {
  for (const option of node.anyOf ?? []) walk(option, path, visit);
  if (node.properties) {
    for (const [key, child] of Object.entries(node.properties)) {
      visit([...path, key], child);
      walk(child, [...path, key], visit);
    }
  }
  if (node.propertyNames && typeof node.additionalProperties === "object") {
    const entry = node.additionalProperties;
    if (entry.properties || entry.anyOf) walk(entry, [...path, "<name>"], visit);
  }
}

function describe(path: string[], node: JsonSchema): string | null {
  return node.description ?? DESCRIPTIONS[path.join(".")] ?? null;
}

function typeOf(node: JsonSchema): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.const !== undefined) return `\`${JSON.stringify(node.const).replace(/^"|"$/g, "")}\``;
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v).replace(/^"|"$/g, "")}\``).join(", ");
  if (node.type === "integer" || node.type === "number") {
    return node.minimum !== undefined && node.maximum !== undefined
      ? `${node.type} ${node.minimum}–${node.maximum}`
      : node.type;
  }
  if (node.type === "array") return `list of ${node.items ? typeOf(node.items) : "values"}`;
  if (node.type === "object") return node.propertyNames ? "map" : "object";
  return node.type ?? "any";
}

function defaultOf(node: JsonSchema): string {
  if (node.default === undefined) return "—";
  if (typeof node.default === "string") return `\`${node.default}\``;
  const text = JSON.stringify(node.default);
  if (text.length <= 40) return `\`${text}\``;
  return Array.isArray(node.default) ? "see meaning" : "its keys' defaults";
}

/** Every key of the namespace with its type, default and description (null: undocumented). */
export function keyRows(): KeyRow[] {
  const rows: KeyRow[] = [];
  const seen = new Set<string>();
  walk(specJsonSchema(), [], (path, node) => {
    const key = path.join(".");
    if (seen.has(key)) return;
    seen.add(key);
    rows.push({ key, type: typeOf(node), default: defaultOf(node), description: describe(path, node) });
  });
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/configuration.md's key table (Markdown; prettier aligns it). */
export function keyTable(rows = keyRows()): string {
  return [
    "| key | type | default | meaning |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (r) => `| \`${cell(r.key)}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description ?? "")} |`,
    ),
  ].join("\n");
}

/** A copy of `node` with descriptions filled in and nothing required (a file sets any subset). */
function forFiles(node: JsonSchema, path: string[]): JsonSchema {
  const out: JsonSchema = { ...node };
  delete out.required;
  const description = path.length > 0 ? describe(path, node) : null;
  if (description !== null) out.description = description;
  if (node.anyOf) out.anyOf = node.anyOf.map((o) => forFiles(o, path));
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, child]) => [k, forFiles(child, [...path, k])]),
    );
  }
  if (node.items) out.items = forFiles(node.items, path);
  if (node.propertyNames && typeof node.additionalProperties === "object") {
    out.additionalProperties = forFiles(node.additionalProperties, [...path, "<name>"]);
  }
  return out;
}

/**
 * The JSON Schema of a stack file or environment layer (Pulumi's `config:` format): this
 * namespace's keys as the schema defines them, none required (the layers merge), an unknown key
 * of this namespace refused; other namespaces (providers) and Pulumi's own file keys allowed.
 */
export function stackFileJsonSchema(): Record<string, unknown> {
  const spec = forFiles(specJsonSchema(), []);
  const keys = Object.fromEntries(
    Object.entries(spec.properties ?? {}).map(([k, v]) => [`${NAMESPACE}:${k}`, v]),
  );
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://cluster-orchestrator.invalid/schemas/stack-config.schema.json",
    title: "Cluster Orchestrator stack file or environment layer",
    description:
      "Generated from components/config/schema.ts by `npm run config-reference`; see docs/configuration.md. Do not edit.",
    type: "object",
    properties: {
      config: {
        type: "object",
        properties: keys,
        patternProperties: { [`^(?!${NAMESPACE}:)[^:]+:.+$`]: {} },
        additionalProperties: false,
      },
      environment: { description: "Pulumi ESC environments imported by the stack." },
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
      encryptionsalt: { type: "string" },
    },
    additionalProperties: false,
  };
}
