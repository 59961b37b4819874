// The page's strings, translated by the server from the `js` gettext catalogue (locale/*/LC_MESSAGES/js.po)
// and embedded in the page as JSON. Every string the script shows goes through t(), so that Babel's
// JavaScript extractor finds it (`make build` compiles the catalogues; tests/test_i18n.py checks them).
let catalogue = {};

export function useCatalogue(strings) {
  catalogue = strings || {};
}

/** The translation of `msgid`, with each {name} replaced by values[name]. */
export function t(msgid, values) {
  const text = catalogue[msgid] || msgid;
  return values ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole)) : text;
}
