/**
 * Faults the simulator injects on request (none by default), to test what the program and the
 * engine do when XO misbehaves. Each matches VMs by exact name_label.
 */
export interface Faults {
  /** `vm.create` of these names fails with an XAPI error (once each, then succeeds). */
  failVmCreate?: string[];
  /** These VMs start but their guest never reports an address. */
  noGuestAddress?: string[];
  /** Every mutating call waits this long before answering (slow tasks). Default 0. */
  taskDelayMs?: number;
}
