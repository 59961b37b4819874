// A browser wallet for the owner pages' tests and `make demo`: an EIP-1193 provider announced
// through EIP-6963 (or set as window.ethereum), that signs with the keys it is given, on the
// development chain 31337 only, and forwards every read to the development node. window.luxpassTestWallet, set before the page loads, configures it:
//   {keys, rpcUrl, chainId, announce: true|false, legacy: true|false, reject: ["eth_signTypedData_v4", …]}
// (signChains: [id, …] lets it sign typed data on other chains too, for a key made for them: the demo on the consortium's L1)
// and it records each request in window.luxpassWalletLog. The test may change the active key
// (use(index)) or the reject list while the page runs, as a person would in the wallet, or set
// signAs (a key index) to make it sign with another key than the account it gives.
import { privateKeyToAccount } from "viem/accounts";

const settings = window.luxpassTestWallet;
const accounts = settings.keys.map((key) => privateKeyToAccount(key));
const listeners = {};
const known = new Set(settings.knownChains || [31337]);
const signable = new Set(settings.signChains || [31337]);
let active = settings.active || 0;
let chainId = settings.chainId;
let connected = false;
window.luxpassWalletLog = [];

const emit = (event, value) => (listeners[event] || []).forEach((listener) => listener(value));
const refusal = (code, message) => Object.assign(new Error(message), { code });

function typedValues(types, type, value) {
  if (type.endsWith("]")) return value.map((item) => typedValues(types, type.slice(0, type.lastIndexOf("[")), item));
  if (types[type]) {
    return Object.fromEntries(types[type].map((field) => [field.name, typedValues(types, field.type, value[field.name])]));
  }
  return /^u?int\d*$/.test(type) ? BigInt(value) : value;
}

async function forward(method, params) {
  const response = await fetch(settings.rpcUrl, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: params || [] }),
  });
  const answer = await response.json();
  if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
  return answer.result;
}

const provider = {
  isLuxpassTestWallet: true,
  async request({ method, params }) {
    const entry = { method, params: params === undefined ? null : JSON.parse(JSON.stringify(params)) };
    window.luxpassWalletLog.push(entry);
    const answer = await answerTo(method, params);
    if (method === "eth_signTypedData_v4" || method === "personal_sign") entry.result = answer;
    return answer;
  },
  on(event, listener) {
    (listeners[event] = listeners[event] || []).push(listener);
  },
  removeListener(event, listener) {
    listeners[event] = (listeners[event] || []).filter((l) => l !== listener);
  },
};

async function answerTo(method, params) {
  if ((settings.reject || []).includes(method)) throw refusal(4001, "User rejected the request.");
  const account = accounts[active];
  switch (method) {
    case "eth_requestAccounts":
      connected = true;
      return [account.address];
    case "eth_accounts":
      return connected ? [account.address] : [];
    case "eth_chainId":
      return "0x" + chainId.toString(16);
    case "net_version":
      return String(chainId);
    case "wallet_switchEthereumChain": {
      const wanted = Number(BigInt(params[0].chainId));
      if (!known.has(wanted)) throw refusal(4902, "Unrecognized chain ID.");
      chainId = wanted;
      emit("chainChanged", params[0].chainId);
      return null;
    }
    case "wallet_addEthereumChain":
      known.add(Number(BigInt(params[0].chainId)));
      chainId = Number(BigInt(params[0].chainId));
      emit("chainChanged", params[0].chainId);
      return null;
    case "eth_signTypedData_v4": {
      if (!signable.has(chainId)) throw refusal(4100, `the test wallet signs on chain ${[...signable].join(", ")} only`);
      const typed = JSON.parse(params[1]);
      if (params[0].toLowerCase() !== account.address.toLowerCase()) throw refusal(4100, "not this wallet's account");
      const { EIP712Domain, ...types } = typed.types;
      // signAs: a hostile or broken wallet that signs with another key than the account it gives
      const key = settings.signAs === undefined ? account : accounts[settings.signAs];
      return key.signTypedData({
        domain: typedValues(typed.types, "EIP712Domain", typed.domain), types, primaryType: typed.primaryType,
        message: typedValues(typed.types, typed.primaryType, typed.message),
      });
    }
    case "personal_sign":
      if (params[1].toLowerCase() !== account.address.toLowerCase()) throw refusal(4100, "not this wallet's account");
      return account.signMessage({ message: { raw: params[0] } });
    case "eth_sendTransaction":
      throw refusal(4200, "the test wallet holds no ether and sends nothing");
    default:
      return forward(method, params);
  }
}

window.luxpassTestWallet.use = (index) => {
  active = index;
  emit("accountsChanged", [accounts[active].address]);
};

if (settings.legacy) window.ethereum = provider;
if (settings.announce !== false) {
  const detail = Object.freeze({
    info: { uuid: "7f3c1c2e-6b1a-4a55-9a57-000000031337", name: "Test Wallet", rdns: "org.luxpass.testwallet",
            icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='32' height='32'%3E%3Ccircle cx='16' cy='16' r='14' fill='%231b6b3a'/%3E%3C/svg%3E" },
    provider,
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}
