// The owner's part of the passport page: connect a wallet, prove it holds the passport, and act
// on it by signatures only. Without a wallet the page stays the verification page it always was.
import { getAddress, isAddress } from "viem";
import { PassportOnChain } from "./chain.js";
import { t } from "./i18n.js";
import { getJson, postJson, prepare, submit } from "./relay.js";
import { startClaim } from "./claim.js";
import { startClub } from "./club.js";
import { $, chooseWallet, connectOnChain, failureLine, pageConfig, say, shortAddress, show } from "./ui.js";

const STATUS = { ACTIVE: 0, LOST: 1, STOLEN: 2, DESTROYED: 3 };
const REFUSALS = {
  "not-an-address": () => t("That is not an address: check it, or scan the recipient's QR code."),
  "zero-address": () => t("That is the zero address: nobody could ever use the passport sent there."),
  "same-owner": () => t("That is your own address: the passport is already yours."),
  "cannot-hold": () => t("That address is a contract that cannot hold a passport: it would be lost there."),
};

/** The owner section of the passport page. */
async function startOwner(config) {
  const section = $("owner");
  const status = $("owner-status");
  const result = $("owner-result");
  const actions = $("owner-actions");
  const wallet = await chooseWallet($("wallets"), $("no-wallet"));
  const onChain = new PassportOnChain(config, wallet.provider);
  let account = null;
  let state = null;
  let relayer = null;
  section.dataset.state = "connecting";

  const refresh = async () => {
    state = await onChain.state();
    const owns = state.owner === account;
    section.dataset.state = owns ? "owner" : "not-owner";
    show(actions, owns);
    if (!owns) {
      say(status, t("This wallet ({account}) does not hold this passport. Choose the account that holds it in your wallet.",
                    { account: shortAddress(account) }), "bad");
      return;
    }
    say(status, t("Connected as the owner ({account}).", { account: shortAddress(account) }), "ok");
    const reported = state.status === STATUS.LOST || state.status === STATUS.STOLEN;
    show($("action-report"), state.status === STATUS.ACTIVE);
    show($("action-found"), reported && state.reporter === account);
    show($("action-give"), state.status === STATUS.ACTIVE);
    show($("action-consent"), state.status === STATUS.ACTIVE);
    show($("action-recovery"), Boolean(state.recoveryTo));
    if (state.recoveryTo) {
      $("recovery-detail").textContent = t("The brand asked to return this passport to {address}; it completes on {date} unless you cancel it.",
        { address: state.recoveryTo, date: new Date(state.recoveryReadyAt * 1000).toLocaleString() });
    }
    show($("action-chip"), Boolean(state.chip) && !state.chipClaimOpen);
    show($("no-relayer"), !relayer);
  };

  const busy = (flag) => {
    for (const button of section.querySelectorAll("button")) button.disabled = flag;
  };

  /** Sign `action(args)` as a forward request and hand it to the brand's relayer. */
  const relayed = async (what, action, args) => {
    if (!relayer) return say(result, t("This brand's server does not relay owner actions, so this cannot be done here."), "bad");
    busy(true);
    say(result, t("Your wallet will ask you to sign: {what}. Nothing happens until you sign; the brand pays the fee.", { what }));
    try {
      const typedData = await prepare(config, account, action, args);
      const signature = await wallet.signTypedData(account, typedData);
      say(result, t("Signed. The brand's relayer is sending it…"));
      const answer = await submit(config, typedData, signature);
      say(result, t("Done: {what}. Transaction {tx}.", { what, tx: answer.tx }), "ok");
      result.dataset.tx = answer.tx;
      await refresh();
    } catch (error) {
      say(result, failureLine(error, config.abi.passport), "bad");
    } finally {
      busy(false);
    }
  };

  $("consent-sign").addEventListener("click", async () => {
    const reseller = $("consent-reseller").value.trim();
    const terms = $("consent-terms").value.trim();
    if (!isAddress(reseller, { strict: false })) return say(result, t("Type the reseller's address (0x…)."), "bad");
    if (!terms) return say(result, t("Write the terms of the sale (price, currency…): the reseller must keep to them."), "bad");
    busy(true);
    try {
      if (!(await onChain.isAccreditedReseller(getAddress(reseller)))) {
        say(result, t("{address} is not a reseller accredited by the consortium: it could not use your consent.",
                      { address: reseller }), "bad");
        return;
      }
      // the typed data `luxpass consent sign` signs, made by the same code on the server
      const { typedData, file } = await postJson(config.api, "/consent/prepare", {
        collection: config.collection, tokenId: config.passportId, reseller: getAddress(reseller), terms,
        validFor: `${$("consent-days").value}d`,
      });
      const deadline = Number(typedData.message.deadline);
      say(result, t("Your wallet will show the consent to sign. Signing costs nothing and sends nothing."));
      const signature = await wallet.signTypedData(account, typedData);
      const signed = { ...file, signature, signer: account };
      const link = $("consent-file");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(signed, null, 1)], { type: "application/json" }));
      link.download = `consent-${config.passportId.slice(0, 12)}.json`;
      link.dataset.consent = JSON.stringify(signed);
      show(link, true);
      say(result, t("Signed: give this file to the reseller. It is valid until {date}, and dies if the passport moves or you revoke signatures.",
                    { date: new Date(deadline * 1000).toLocaleString() }), "ok");
    } catch (error) {
      say(result, failureLine(error, config.abi.passport), "bad");
    } finally {
      busy(false);
    }
  });

  $("give").addEventListener("click", async () => {
    const to = $("give-to").value.trim();
    if (to.toLowerCase() !== $("give-to-again").value.trim().toLowerCase()) {
      return say(result, t("The two addresses differ: type the recipient's address twice, the same."), "bad");
    }
    const refusal = await onChain.refusal(to, account);
    if (refusal) return say(result, REFUSALS[refusal](), "bad");
    await relayed(t("give this passport to {address}", { address: getAddress(to) }), "safeTransferFrom",
                  [account, getAddress(to), config.passportId]);
  });
  const id = config.passportId;
  $("report-lost").addEventListener("click", () => relayed(t("report it lost"), "reportStatus", [id, "lost"]));
  $("report-stolen").addEventListener("click", () => relayed(t("report it stolen"), "reportStatus", [id, "stolen"]));
  $("report-found").addEventListener("click", () => relayed(t("report it found"), "reportFound", [id]));
  $("cancel-recovery").addEventListener("click", () => relayed(t("cancel the brand's recovery"), "cancelRecovery", [id]));
  $("revoke").addEventListener("click", () => relayed(t("revoke every signature you gave for it"), "revokeSignatures", [id]));
  $("open-chip-claim").addEventListener("click", () => relayed(t("open the chip claim"), "setChipClaim", [id, true]));

  try {
    const served = await getJson(config.api, "/config");
    relayer = served.relayer && served.relayer.enabled ? served.relayer : null;
  } catch (error) {
    relayer = null;
  }
  await connectOnChain(config, wallet, status, $("switch-chain"), async (connected) => {
    account = connected;
    await refresh();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const config = pageConfig();
  if (!config) return;
  const start = { owner: startOwner, claim: startClaim, club: startClub }[config.page];
  if (start) start(config).catch((error) => {
    const status = $("owner-status");
    if (status) say(status, failureLine(error), "bad");
  });
});
