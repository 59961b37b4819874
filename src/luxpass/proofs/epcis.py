"""GS1 EPCIS 2.0 in JSON-LD: the ObjectEvents of a passport's lifecycle, the EPCIS 2.0 JSON
schema they are checked against, and each event's hash ID under the CBV 2.0 event-hash algorithm
(CBV 2.0 section 8.9: the event's fields in a fixed order, values canonicalised, then SHA-256).

The hash covers the fields luxpass writes and reads: eventTime (in UTC, to the millisecond),
eventTimeZoneOffset, epcList, action, bizStep, disposition, persistentDisposition, readPoint,
bizLocation, bizTransactionList, sourceList, destinationList, and extension fields of simple
values. An event with any other field (sensor data, ILMD, quantities) is refused as one luxpass
cannot hash, rather than hashed wrongly. An event with both a sourceList and a destinationList is
hashed in CBV's order (sources first); epcis-event-hash-generator 1.9.3 puts its destinations first.
"""
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote

from ..errors import InputError
from ..gs1 import gtin_check_digit, parse_link
from ..spec import EventKind

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
LUXPASS_NAMESPACE = "urn:luxpass:epcis:"  # the prefix `luxpass:` of luxpass's own extension fields
CBV = "https://ref.gs1.org/cbv/"
CANONICAL_RESOLVER = "https://id.gs1.org"
SCHEMA_FILE = Path(__file__).parent / "standards" / "epcis-json-schema.json"

# What each lifecycle kind is in the Core Business Vocabulary: (bizStep, disposition). A kind that
# CBV has no step for gets a luxpass URN, which EPCIS allows for a bizStep.
LIFECYCLE_STEPS = {
    EventKind.MANUFACTURED: ("commissioning", "active"),
    EventKind.QUALITY_CHECKED: ("inspecting", "conformant"),
    EventKind.SHIPPED: ("shipping", "in_transit"),
    EventKind.RECEIVED_IN_STORE: ("receiving", "sellable_accessible"),
    EventKind.SOLD: ("retail_selling", "retail_sold"),
    EventKind.SERVICED: ("urn:luxpass:bizstep:servicing", "active"),
    EventKind.REPAIRED: ("repairing", "active"),
    EventKind.BRAND_DEFINED: ("urn:luxpass:bizstep:brand_defined", None),
}
# A bizStep read from a brand's EPCIS export, and the lifecycle kind it records.
KIND_OF_STEP = {step: kind for kind, (step, _) in LIFECYCLE_STEPS.items()} | {
    "departing": EventKind.SHIPPED, "arriving": EventKind.RECEIVED_IN_STORE, "stocking": EventKind.RECEIVED_IN_STORE,
    "encoding": EventKind.MANUFACTURED, "assembling": EventKind.MANUFACTURED}

_VOCAB_URNS = {"urn:epcglobal:cbv:bizstep:": "BizStep-", "urn:epcglobal:cbv:disp:": "Disp-",
               "urn:epcglobal:cbv:btt:": "BTT-", "urn:epcglobal:cbv:sdt:": "SDT-", "urn:epcglobal:cbv:er:": "ER-"}
_BARE_VOCAB = {"bizStep": "BizStep-", "disposition": "Disp-", "set": "Disp-", "unset": "Disp-",
               "bizTransactionList": "BTT-", "sourceList": "SDT-", "destinationList": "SDT-"}
_SGTIN_URN = re.compile(r"urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
IGNORED = {"type", "eventID", "recordTime", "errorDeclaration", "@context"}
HASHED_IN_ORDER = ("eventTime", "eventTimeZoneOffset", "epcList", "action", "bizStep", "disposition",
                   "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
                   "destinationList")
_LISTS = {"bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination"}


def canonical_epc(epc: str) -> str:
    """An item's EPC as CBV 2.0 hashes it: the canonical GS1 Digital Link URI
    (`https://id.gs1.org/01/<GTIN-14>/21/<serial>`); an SGTIN URN is converted to it. Anything
    else is returned as it is."""
    text = str(epc).strip()
    urn = _SGTIN_URN.fullmatch(text)
    if urn:
        prefix, item, serial = urn.groups()
        body = item[0] + prefix + item[1:]
        if len(body) == 13:
            return f"{CANONICAL_RESOLVER}/01/{body}{gtin_check_digit(body)}/21/{quote(unquote(serial), safe='')}"
    if "/01/" in text and "/21/" in text:
        try:
            link = parse_link(text.split("?", 1)[0])
        except InputError:
            return text
        return f"{CANONICAL_RESOLVER}{link.path}"
    return text


def epc_of(gtin: str, serial: str) -> str:
    """The EPC of one serialised item, as luxpass writes it."""
    return canonical_epc(f"{CANONICAL_RESOLVER}/01/{gtin.zfill(14)}/21/{quote(serial, safe='')}")


def cbv_uri(value: str, vocabulary: str) -> str:
    """A CBV value in its web-vocabulary form: `shipping`, `urn:epcglobal:cbv:bizstep:shipping`
    and `https://ref.gs1.org/cbv/BizStep-shipping` are one bizStep."""
    text = str(value).strip()
    for urn, prefix in _VOCAB_URNS.items():
        if text.startswith(urn):
            return CBV + prefix + text[len(urn):]
    if ":" not in text:
        return CBV + vocabulary + text
    return text


def bare_step(bizstep: str) -> str:
    """`https://ref.gs1.org/cbv/BizStep-shipping` -> `shipping`; a step outside CBV is unchanged."""
    uri = cbv_uri(bizstep, "BizStep-")
    return uri.removeprefix(CBV + "BizStep-")


def iso_time(timestamp: int) -> str:
    """A Unix time as an EPCIS dateTime in UTC, to the millisecond."""
    return datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _utc_millis(text: str) -> str:
    try:
        moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"time {text!r} is not an ISO 8601 dateTime", "write it as 2026-03-01T10:00:00.000+01:00") from None
    if moment.tzinfo is None:
        raise InputError(f"time {text!r} has no time zone", "end it with Z or an offset such as +01:00")
    moment = moment.astimezone(timezone.utc)
    moment = moment.replace(microsecond=0) + timedelta(milliseconds=round(moment.microsecond / 1000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _number(text: str) -> str:
    if not _NUMBER.fullmatch(text):
        return text
    number = float(text)
    return str(int(number)) if number == int(number) else str(number)


def _value(text, vocabulary: str | None = None) -> str:
    """A value as the hash takes it: CBV URNs as web vocabulary, numbers without padding, item
    EPCs as canonical Digital Links."""
    text = str(text).strip()
    if vocabulary:
        text = cbv_uri(text, vocabulary)
    for urn, prefix in _VOCAB_URNS.items():
        text = text.replace(urn, CBV + prefix)
    return canonical_epc(_number(text))


def expand_name(name: str, namespaces: dict[str, str]) -> str:
    """An extension field's name as `{namespace}local`, its prefix read from the context."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in namespaces:
        return "{" + namespaces[prefix] + "}" + local
    return name


def namespaces_of(context) -> dict[str, str]:
    """The prefixes an EPCIS document's @context defines inline (`{"luxpass": "urn:…"}`)."""
    contexts = context if isinstance(context, list) else [context]
    return {k: v for c in contexts if isinstance(c, dict) for k, v in c.items() if isinstance(v, str)}


def unhashable_fields(event: dict) -> list[str]:
    """The fields of `event` this implementation cannot hash (see the module's docstring)."""
    return [name for name, value in event.items()
            if name not in IGNORED and name not in HASHED_IN_ORDER
            and (":" not in name or isinstance(value, (dict, list)))]


def prehash(event: dict, namespaces: dict[str, str]) -> str:
    """The event's pre-hash string (CBV 2.0 section 8.9.2)."""
    parts = ["eventType=" + event["type"]]
    for name in HASHED_IN_ORDER:
        if name not in event:
            continue
        value = event[name]
        if name == "eventTime":
            parts.append("eventTime=" + _utc_millis(value))
        elif name == "epcList":
            entries = sorted("epc=" + _value(epc) for epc in value)
            parts.append("epcList" + "".join(entries) if entries else "")
        elif name in ("readPoint", "bizLocation"):
            parts.append(f"{name}id={_value(value['id'])}")
        elif name == "persistentDisposition":
            parts.append(name + "".join("".join(sorted(f"{key}={_value(v, 'Disp-')}" for v in value.get(key, [])))
                                        for key in ("set", "unset")))
        elif name in _LISTS:
            item = _LISTS[name]
            entries = sorted((f"type={_value(e['type'], _BARE_VOCAB[name])}" if "type" in e else "")
                             + f"{item}={_value(e[item])}" for e in value)
            parts.append(name + "".join(entries))
        elif name in _BARE_VOCAB:
            parts.append(f"{name}={_value(value, _BARE_VOCAB[name])}")
        else:
            parts.append(f"{name}={_value(value)}")
    extensions = sorted(f"{expand_name(name, namespaces)}={_value(value)}" for name, value in event.items()
                        if ":" in name and name not in IGNORED and not isinstance(value, (dict, list)))
    return "".join(parts + extensions)


def event_hash(event: dict, namespaces: dict[str, str]) -> str:
    """The event's hash ID, `ni:///sha-256;<hex>?ver=CBV2.0`."""
    return "ni:///sha-256;" + hashlib.sha256(prehash(event, namespaces).encode()).hexdigest() + "?ver=CBV2.0"


def hash_bytes(hash_id: str) -> bytes:
    """The 32 bytes of a `ni:///sha-256;…` hash ID."""
    return bytes.fromhex(hash_id.split(";", 1)[1].split("?", 1)[0])


def document(events: list[dict], created: str) -> dict:
    """An EPCISDocument of `events`, with luxpass's extension prefix in its context."""
    return {"@context": [EPCIS_CONTEXT, {"luxpass": LUXPASS_NAMESPACE}], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": created, "epcisBody": {"eventList": events}}


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text())


@lru_cache(maxsize=2)
def _validator(definition: str | None):
    from jsonschema import Draft7Validator, FormatChecker

    schema = _schema() if definition is None else {"definitions": _schema()["definitions"],
                                                   "$ref": f"#/definitions/{definition}"}
    return Draft7Validator(schema, format_checker=FormatChecker())


def schema_errors(data, definition: str | None = None) -> list[str]:
    """Where `data` breaks the EPCIS 2.0 JSON schema (the whole document, or one of its
    definitions, e.g. `ObjectEvent`), one line each; empty when it conforms."""
    errors = sorted((_deepest(e) for e in _validator(definition).iter_errors(data)),
                    key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in e.absolute_path) or 'top level'}: "
            f"{e.message if len(e.message) <= 160 else e.message[:157] + '…'}" for e in errors]


def _deepest(error):
    """Of the alternatives an anyOf or oneOf tried, the one that got furthest into the data."""
    while error.context:
        error = max(error.context, key=lambda e: len(list(e.absolute_path)))
    return error
