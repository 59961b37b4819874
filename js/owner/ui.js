// What every owner page shares: its config and strings, the choice of wallet, the connection on
// the right chain, and the one line that says how a request ended.
import { decodeErrorResult } from "viem";
import { t, useCatalogue } from "./i18n.js";
import { RelayError } from "./relay.js";
import { discoverWallets, isRejection, Wallet } from "./wallet.js";

export const $ = (id) => document.getElementById(id);
export const show = (element, visible) => { if (element) element.hidden = !visible; };

export function say(element, text, kind) {
  element.textContent = text;
  element.className = kind || "";
  element.dataset.kind = kind || "info";
  if (element.id === "owner-result") element.scrollIntoView({ block: "nearest" });
}

/** The one line the person reads when a wallet request or a relayed action ended without success. */
export function failureLine(error, abi) {
  if (isRejection(error)) return t("You declined in your wallet: nothing was signed or sent.");
  if (error instanceof RelayError) return t("The brand's server refused: {reason}", { reason: error.message });
  const name = revertName(error, abi);
  if (name) return t("The passport's contract would refuse this now ({error}).", { error: name });
  return t("It did not complete: {reason}", { reason: (error && (error.shortMessage || error.message)) || "?" });
}

export function revertName(error, abi) {
  for (let e = error; e; e = e.cause) {
    const data = typeof e.data === "string" ? e.data : e.data && e.data.data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10 && abi) {
      try {
        return decodeErrorResult({ abi, data }).errorName;
      } catch (decodeError) {
        return null;
      }
    }
  }
  return null;
}

export function pageConfig() {
  const element = $("luxpass-owner-config");
  if (!element) return null;
  const config = JSON.parse(element.textContent);
  useCatalogue(config.strings);
  return config;
}

/** Wallet buttons in `box`; resolves with the Wallet the person picks. */
export function chooseWallet(box, noWallet) {
  return new Promise((resolve) => {
    const render = (wallets) => {
      box.replaceChildren(...wallets.map((found) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "wallet";
        button.dataset.rdns = found.rdns || "window.ethereum";
        if (found.icon) {
          const icon = document.createElement("img");
          icon.src = found.icon;
          icon.alt = "";
          button.append(icon);
        }
        button.append(found.name ? t("Connect {wallet}", { wallet: found.name }) : t("Connect your wallet"));
        button.addEventListener("click", () => resolve(new Wallet(found.provider)));
        return button;
      }));
      show(noWallet, !wallets.length);
    };
    discoverWallets(render);
  });
}

/** Connect, then keep the wallet on the page's chain; `onReady(account)` runs whenever both hold. */
export async function connectOnChain(config, wallet, status, switchButton, onReady) {
  const walletButtons = $("wallets");
  const check = async () => {
    const account = await wallet.account();
    if (!account) {
      say(status, t("The wallet is not connected."), "bad");
      return;
    }
    const chainId = await wallet.chainId();
    if (chainId !== config.chainId) {
      say(status, t("Your wallet is on another network (chain {current}); this passport is on {name}.",
                    { current: chainId, name: config.chainName }), "bad");
      show(switchButton, true);
      return;
    }
    show(switchButton, false);
    await onReady(account);
  };
  switchButton.onclick = async () => {
    try {
      await wallet.switchTo(config);
      await check();
    } catch (error) {
      say(status, failureLine(error), "bad");
    }
  };
  wallet.on("accountsChanged", () => check().catch((error) => say(status, failureLine(error), "bad")));
  wallet.on("chainChanged", () => check().catch((error) => say(status, failureLine(error), "bad")));
  try {
    await wallet.connect();
  } catch (error) {
    say(status, failureLine(error), "bad");
    return;
  }
  show(walletButtons, false);
  await check();
}

export function shortAddress(address) {
  return address.slice(0, 6) + "…" + address.slice(-4);
}
