// An owner action as a signed ERC-2771 ForwardRequest (OpenZeppelin's ERC2771Forwarder) that the
// brand's relayer submits and pays for: the owner signs in the wallet, and needs no ether.
import { encodeFunctionData, getAddress } from "viem";

const FORWARD_REQUEST = [
  { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
  { name: "gas", type: "uint256" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint48" },
  { name: "data", type: "bytes" },
];

export class RelayError extends Error {}

async function api(base, path, body) {
  const response = await fetch(base + path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  if (!response.ok || answer.error) throw new RelayError(answer.error || `HTTP ${response.status}`);
  return answer;
}

export const getJson = (base, path) => api(base, path);
export const postJson = (base, path, body) => api(base, path, body);

/**
 * The forward request for `functionName(args)` on the passport's collection, from `account`, and
 * its typed data; `relayConfig` is the relayer's part of GET /api/config.
 */
export async function forwardRequest(onChain, relayConfig, account, functionName, args) {
  const data = encodeFunctionData({ abi: onChain.config.abi.passport, functionName, args });
  const forwarder = getAddress(relayConfig.forwarder);
  const [{ nonce }, { types, domain }, now] = await Promise.all([
    getJson(onChain.config.api, `/forwarder/nonce/${account}`), onChain.domainOf(forwarder), onChain.chainTime(),
  ]);
  // ERC-2771: the forwarder calls the collection with the signer's address appended to the call data.
  const estimate = await onChain.client.estimateGas({
    account: forwarder, to: onChain.collection, data: data + account.slice(2).toLowerCase(),
  });
  const message = {
    from: account, to: onChain.collection, value: "0", gas: String(estimate + estimate / 4n + 10000n),
    nonce: String(nonce), deadline: String(now + (relayConfig.deadlineSeconds || 900)), data,
  };
  return { types: { EIP712Domain: types, ForwardRequest: FORWARD_REQUEST }, primaryType: "ForwardRequest", domain,
           message };
}

/** Hand the signed request to the relayer; its answer names the confirmed transaction. */
export function submit(base, typedData, signature) {
  return postJson(base, "/relay", { request: typedData.message, signature });
}
