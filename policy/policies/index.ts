/** Every policy of the pack, in the order the CLI lists them. */
import type { Policies } from "@pulumi/policy";
import { vmDeleteBeforeReplace } from "./deleteBeforeReplace";
import { vmHostnameConvention } from "./hostname";
import { vmConfigDriveKept, vmNodeHardening } from "./nodeHardening";
import { prodNetworkProtected } from "./prodNetwork";
import { vmNoPlaintextSecrets } from "./secrets";
import { vmAddressInClusterSubnet } from "./subnet";
import { vmRequiredTags } from "./vmTags";

export const policies: Policies = [
  vmRequiredTags,
  vmHostnameConvention,
  vmAddressInClusterSubnet,
  vmDeleteBeforeReplace,
  vmNodeHardening,
  vmNoPlaintextSecrets,
  prodNetworkProtected,
  vmConfigDriveKept,
];

export {
  prodNetworkProtected,
  vmConfigDriveKept,
  vmAddressInClusterSubnet,
  vmDeleteBeforeReplace,
  vmHostnameConvention,
  vmNodeHardening,
  vmNoPlaintextSecrets,
  vmRequiredTags,
};
