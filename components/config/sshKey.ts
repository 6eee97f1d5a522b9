/**
 * OpenSSH public key lines (`authorized_keys` format without options), parsed for real with
 * sshpk: a pasted placeholder such as `ssh-ed25519 paste-your-key-here` would otherwise land on
 * every node, where, with password login off, nobody could ever log in.
 */
import * as sshpk from "sshpk";

/** Security-key types sshpk 1.18 cannot parse; their blob is checked to name the same type. */
const SECURITY_KEY_TYPES = ["sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"];
const MIN_RSA_BITS = 2048;

/** Why `line` is not a usable OpenSSH public key, or null when it is one. */
export function sshKeyProblem(line: string): string | null {
  if (/[\0-\x1f\x7f]/.test(line)) return "must be one line without control characters";
  const [type, body] = line.trim().split(/\s+/, 3);
  if (type === undefined || body === undefined) {
    return "must be an OpenSSH public key line: '<type> <base64 key> [comment]'";
  }
  if (SECURITY_KEY_TYPES.includes(type)) return securityKeyProblem(type, body);
  let key: sshpk.Key;
  try {
    key = sshpk.parseKey(`${type} ${body}`, "ssh");
  } catch {
    return `'${abbreviate(body)}' is not a ${type} public key (paste the whole line of your .pub file)`;
  }
  if (key.type === "dsa") return "DSA keys are refused by current OpenSSH servers; use ed25519";
  if (key.type === "rsa" && key.size < MIN_RSA_BITS) {
    return `RSA key of ${key.size} bits; at least ${MIN_RSA_BITS} are required (ed25519 preferred)`;
  }
  return null;
}

/** The blob of a security key starts with its type as an SSH string (uint32 length + bytes). */
function securityKeyProblem(type: string, body: string): string | null {
  const blob = /^[A-Za-z0-9+/]+={0,2}$/.test(body) ? Buffer.from(body, "base64") : Buffer.alloc(0);
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const named = length > 0 && blob.length > 4 + length ? blob.subarray(4, 4 + length).toString("latin1") : "";
  return named === type ? null : `'${abbreviate(body)}' is not a ${type} public key`;
}

function abbreviate(text: string): string {
  return text.length > 24 ? `${text.slice(0, 20)}…` : text;
}
