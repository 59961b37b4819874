// The owners' club: Sign-In with Ethereum (EIP-4361) proves to the brand's server that the wallet
// holds one of its passports; then the brand's owner-only content and its notices to the holder.
import { t } from "./i18n.js";
import { getJson, postJson } from "./relay.js";
import { $, chooseWallet, connectOnChain, failureLine, say, show } from "./ui.js";

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** The brand's owner-only content: {title, body} entries, or sections of them, in any nesting. */
function renderContent(box, content) {
  box.replaceChildren();
  const entries = Array.isArray(content) ? content.map((item, i) => [item.title || String(i + 1), item])
                                         : Object.entries(content || {});
  for (const [key, value] of entries) {
    const article = element("article", undefined, "action");
    article.append(element("h3", (value && value.title) || key));
    if (value && typeof value === "object") {
      if (value.body) article.append(element("p", value.body));
      if (value.url) {
        const link = element("a", value.label || value.url);
        link.href = value.url;
        article.append(link);
      }
    } else {
      article.append(element("p", value));
    }
    box.append(article);
  }
}

function renderNotices(box, notices) {
  box.replaceChildren(...(notices.length ? notices.map((notice) => {
    const article = element("article", undefined, "action notice");
    article.dataset.notice = notice.id;
    article.dataset.kind = notice.kind;
    article.append(element("h3", notice.title), element("p", notice.body),
                   element("time", new Date(notice.posted * 1000).toLocaleDateString(), "note"));
    return article;
  }) : [element("p", t("No notice from the brand for you."), "note")]));
}

export async function startClub(config) {
  const section = $("club");
  const status = $("owner-status");
  const result = $("owner-result");
  const signIn = $("club-sign-in");
  const toggle = $("club-opt");
  let account = null;
  let optedOut = false;

  const showNotices = async () => {
    const notices = await getJson(config.api, "/notices");
    optedOut = notices.optedOut;
    renderNotices($("club-notices"), notices.notices);
    toggle.textContent = optedOut ? t("Receive the brand's notices again") : t("Stop the brand's notices");
    $("club-opt-state").textContent = optedOut ? t("You receive no notices from the brand.") : "";
  };

  const enter = async () => {
    const club = await getJson(config.api, "/club");
    renderContent($("club-content"), club.content);
    await showNotices();
    section.dataset.state = "member";
    show($("club-member"), true);
    show(signIn, false);
  };

  signIn.addEventListener("click", async () => {
    signIn.disabled = true;
    say(result, t("Your wallet will ask you to sign in with your address. It costs nothing and allows nothing else."));
    try {
      // the EIP-4361 message, written by the server's SIWE library for this address and a fresh nonce
      const { message } = await getJson(config.api, `/siwe/nonce?address=${account}`);
      const signature = await wallet.personalSign(account, message);
      await postJson(config.api, "/siwe/verify", { message, signature });
      say(result, t("Signed in as an owner."), "ok");
      await enter();
    } catch (error) {
      section.dataset.state = "refused";
      say(result, error.status === 403 ? t("This wallet holds no passport of the brand: the club is for its owners.")
                                       : failureLine(error), "bad");
    } finally {
      signIn.disabled = false;
    }
  });

  toggle.addEventListener("click", async () => {
    toggle.disabled = true;
    try {
      await postJson(config.api, optedOut ? "/notices/opt-in" : "/notices/opt-out", {});
      await showNotices();
    } catch (error) {
      say(result, failureLine(error), "bad");
    } finally {
      toggle.disabled = false;
    }
  });

  const wallet = await chooseWallet($("wallets"), $("no-wallet"));
  await connectOnChain(config, wallet, status, $("switch-chain"), async (connected) => {
    account = connected;
    show($("club-member"), false);
    section.dataset.state = "connected";
    say(status, t("Connected: {account}.", { account }), "ok");
    show(signIn, true);
  });
}
