// An owner action as a signed ERC-2771 ForwardRequest that the brand's relayer submits and pays
// for: the server prepares the request (POST /api/relay/prepare: the call, bound to the passport's
// nonce, in the forwarder's EIP-712 domain), the owner signs it in the wallet, the relayer sends it.

export class RelayError extends Error {}

async function api(base, path, body) {
  const response = await fetch(base + path, body === undefined ? { credentials: "same-origin" } : {
    method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  if (!response.ok || answer.error) {
    throw Object.assign(new RelayError(answer.error || `HTTP ${response.status}`), { status: response.status });
  }
  return answer;
}

export const getJson = (base, path) => api(base, path);
export const postJson = (base, path, body) => api(base, path, body);

/** The typed data of `action(args)` on the passport's collection, signed by `account`. */
export async function prepare(config, account, action, args) {
  const answer = await postJson(config.api, "/relay/prepare", {
    from: account, collection: config.collection, action, args, validFor: 600,
  });
  return answer.typedData;
}

/** Hand the signed request to the relayer; its answer names the confirmed transaction. */
export function submit(config, typedData, signature) {
  return postJson(config.api, "/relay", { request: typedData.message, signature });
}
