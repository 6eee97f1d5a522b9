// What the Stryker ignorer (ignoreMessages.mjs, docs/testing.md) leaves unmutated: the wording of
// error and problem messages.
// Tests assert that a problem is reported, for which key and with which figures; a mutant that
// only rewrites a sentence ("must be an IPv4 address" -> "") tells nothing about the suite.
// What is skipped: a string or template literal (with what it interpolates) that is
//  - the value of a `message:` or `fix:` property (Problem, ConfigProblem, zod issues, doctor);
//  - an argument of `new SomethingError(...)`;
//  - the message argument of a zod check (`.regex(re, "…")`, `.refine(fn, "…")`, `.min(n, "…")`).
// Everything else, including literals that reach a node (scripts, YAML, flags), is mutated.
"use strict";

const MESSAGE_KEYS = new Set(["message", "fix"]);
const ZOD_CHECKS = new Set(["regex", "refine", "min", "max", "length"]);

function name(node) {
  if (!node) return "";
  if (node.type === "Identifier") return node.name;
  if (node.type === "StringLiteral") return node.value;
  if (node.type === "MemberExpression") return name(node.property);
  return "";
}

/** Why the literal at `path` (a Babel NodePath) is not mutated, or undefined when it is. */
function messageReason(path) {
  if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
  let child = path;
  let parent = path.parentPath;
  // "a" + b + "c" is still one message.
  while (parent?.isBinaryExpression({ operator: "+" })) {
    child = parent;
    parent = parent.parentPath;
  }
  if (!parent) return undefined;
  if (parent.isObjectProperty() && child.key === "value" && MESSAGE_KEYS.has(name(parent.node.key))) {
    return `wording of a ${name(parent.node.key)}`;
  }
  if (parent.isNewExpression() && name(parent.node.callee).endsWith("Error")) {
    return "wording of an error";
  }
  if (
    parent.isCallExpression() &&
    child.listKey === "arguments" &&
    child.key >= 1 &&
    parent.node.callee.type === "MemberExpression" &&
    ZOD_CHECKS.has(name(parent.node.callee.property))
  ) {
    return "wording of a schema check";
  }
  return undefined;
}

module.exports = { messageReason };
