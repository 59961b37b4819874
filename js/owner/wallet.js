// The browser wallet, through the standard protocols only: EIP-6963 discovery (mipd), with the
// EIP-1193 `window.ethereum` of older wallets as the fallback; EIP-3326/3085 to change network.
// The page never asks for a key or a seed phrase: every signature is made in the wallet.
import { createStore } from "mipd";
import { getAddress } from "viem";

export const USER_REJECTED = 4001;
const UNKNOWN_CHAIN = 4902;

/** Wallets in the page: call `onChange(list)` now and whenever a wallet announces itself. */
export function discoverWallets(onChange) {
  const store = createStore();
  const list = () => {
    const announced = store.getProviders().map((detail) => ({ name: detail.info.name, icon: detail.info.icon,
                                                               rdns: detail.info.rdns, provider: detail.provider }));
    if (!announced.length && window.ethereum && typeof window.ethereum.request === "function") {
      announced.push({ name: null, icon: null, rdns: null, provider: window.ethereum });
    }
    return announced;
  };
  store.subscribe(() => onChange(list()));
  onChange(list());
  return list;
}

/** True when the person declined the request in the wallet (EIP-1193 error 4001). */
export function isRejection(error) {
  return Boolean(error) && (error.code === USER_REJECTED || (error.cause && error.cause.code === USER_REJECTED));
}

export class Wallet {
  constructor(provider) {
    this.provider = provider;
  }

  request(method, params) {
    return this.provider.request(params === undefined ? { method } : { method, params });
  }

  async connect() {
    const accounts = await this.request("eth_requestAccounts");
    if (!accounts || !accounts.length) throw new Error("the wallet gave no account");
    return getAddress(accounts[0]);
  }

  async account() {
    const accounts = await this.request("eth_accounts");
    return accounts && accounts.length ? getAddress(accounts[0]) : null;
  }

  async chainId() {
    return Number(BigInt(await this.request("eth_chainId")));
  }

  /** Ask the wallet to move to `chain` ({chainId, chainName, rpcUrls}), adding it when it does not know it. */
  async switchTo(chain) {
    const chainId = "0x" + chain.chainId.toString(16);
    try {
      await this.request("wallet_switchEthereumChain", [{ chainId }]);
    } catch (error) {
      if (error.code !== UNKNOWN_CHAIN && !(error.data && error.data.originalError
                                            && error.data.originalError.code === UNKNOWN_CHAIN)) throw error;
      await this.request("wallet_addEthereumChain", [{
        chainId, chainName: chain.chainName, rpcUrls: chain.rpcUrls,
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      }]);
    }
  }

  on(event, listener) {
    if (typeof this.provider.on === "function") this.provider.on(event, listener);
  }

  /** EIP-712 typed data, signed in the wallet (which shows every field to the person). */
  signTypedData(account, typedData) {
    return this.request("eth_signTypedData_v4", [account, JSON.stringify(typedData, (key, value) =>
      typeof value === "bigint" ? value.toString() : value)]);
  }

  personalSign(account, message) {
    const hex = "0x" + Array.from(new TextEncoder().encode(message), (b) => b.toString(16).padStart(2, "0")).join("");
    return this.request("personal_sign", [hex, account]);
  }
}
