// The first sale's claim link: the buyer opens it, connects her wallet, signs that she takes this
// passport at her own address, and the boutique's relayer moves it there. She pays nothing.
import { t } from "./i18n.js";
import { getJson, postJson } from "./relay.js";
import { $, chooseWallet, connectOnChain, failureLine, say, show } from "./ui.js";

export async function startClaim(config) {
  const section = $("claim");
  const status = $("owner-status");
  const result = $("owner-result");
  const take = $("claim-take");
  let claim;
  try {
    claim = await getJson(config.api, `/claim/${config.code}`);
  } catch (error) {
    section.dataset.state = "unusable";
    return say(status, error.status === 410 ? t("This claim link was already used or has expired: ask the boutique for a new one.")
                                            : error.status === 404 ? t("This claim link is not known: check that it was copied in full.")
                                                                   : failureLine(error), "bad");
  }
  $("claim-brand").textContent = claim.brand || "";
  $("claim-passport").textContent = claim.tokenId;
  $("claim-expires").textContent = new Date(claim.expires * 1000).toLocaleString();
  show($("claim-facts"), true);
  section.dataset.state = "open";
  const wallet = await chooseWallet($("wallets"), $("no-wallet"));
  let account = null;
  take.addEventListener("click", async () => {
    take.disabled = true;
    say(result, t("Your wallet will ask you to sign that you take this passport at {account}. Signing costs nothing.", { account }));
    try {
      const typedData = { ...claim.typedData, message: { ...claim.typedData.message, buyer: account } };
      const signature = await wallet.signTypedData(account, typedData);
      say(result, t("Signed. The boutique's relayer is sending it…"));
      const answer = await postJson(config.api, `/claim/${config.code}`, { buyer: account, signature });
      section.dataset.state = "claimed";
      result.dataset.tx = answer.tx;
      show(take, false);
      say(result, t("The passport is yours, at {account}. Transaction {tx}.", { account, tx: answer.tx }), "ok");
    } catch (error) {
      say(result, error.status === 410 ? t("This claim link was already used or has expired: ask the boutique for a new one.")
                                       : failureLine(error), "bad");
    } finally {
      take.disabled = false;
    }
  });
  await connectOnChain(config, wallet, status, $("switch-chain"), async (connected) => {
    account = connected;
    say(status, t("Connected: {account}. The passport will arrive at this address.", { account }), "ok");
    show(take, true);
  });
}
