"""What the owner pages read of one passport, and the requests they ask an owner to sign: the
relayed action's ForwardRequest and the resale consent's typed data."""
import secrets

from ..errors import InputError
from ..onchain import consent
from ..onchain.collection import Collection
from ..onchain.forwarder import MAX_DEADLINE, Forwarder, ForwardRequest, owner_action, typed_data
from ..onchain.registry import Consortium
from ..spec import BrandStatus, RELAYED_ACTIONS, Accreditation, Status
from ..values import ZERO_ADDRESS, parse_address, parse_passport_id, passport_hex

REPORTABLE = {"lost": Status.LOST, "stolen": Status.STOLEN}


def forwarder_of(consortium: Consortium) -> str:
    """The forwarder every collection trusts: the deployment's record, else the first brand's collection's."""
    if consortium.deployment.forwarder:
        return consortium.deployment.forwarder
    collection = Collection(consortium.chain, consortium.brand(1).collection)
    return consortium.chain.call(collection.contract.functions.trustedForwarder())


def passport_state(consortium: Consortium, collection: str, token_text: str) -> dict:
    """The passport as the owner pages show it; InputError for a malformed address or id, and
    LookupError when the collection has no such passport."""
    collection = parse_address(collection, "collection")
    token_id = parse_passport_id(token_text)
    brand_id = consortium.brand_id_of(collection)
    passports = Collection(consortium.chain, collection)
    genuine = bool(brand_id)
    if not genuine:
        return {"collection": collection, "tokenId": passport_hex(token_id), "genuine": False}
    brand = consortium.brand(brand_id)
    exists, owners, _ = passports.passports_state([token_id])
    if not exists[0]:
        raise LookupError(f"{brand.name}'s collection has no passport {passport_hex(token_id)}")
    passport = passports.passport(token_id)
    status, sold, nonce = (passport[k] for k in ("status", "sold", "nonce"))
    reported = Status(status) in (Status.LOST, Status.STOLEN)  # a report is always its owner's
    new_owner, ready_at = passports.pending_recovery(token_id)
    chip = passports.chip_of(token_id)
    return {
        "collection": collection, "tokenId": passport_hex(token_id), "genuine": True, "brand": brand.name,
        "brandActive": brand.status == BrandStatus.ACTIVE, "owner": owners[0], "status": Status(status).name.lower(),
        "statusReporter": owners[0] if reported else None, "sold": sold, "nonce": nonce,
        "recovery": {"newOwner": new_owner, "readyAt": ready_at} if int(new_owner, 16) else None,
        "chip": {"bound": chip is not None, "claimOpen": passports.chip_claim_open(token_id)},
        "consent": consent_template(consortium, passports, token_id, nonce),
    }


def consent_template(consortium: Consortium, passports: Collection, token_id: int, nonce: int) -> dict:
    """What the chain fixes of a resale consent for the passport now (the page adds reseller,
    buyer, termsHash and deadline)."""
    domain = consent.domain_of(passports)
    return {"domain": domain["domain"],
            "types": {"EIP712Domain": domain["types"], "ResaleConsent": consent.TYPES["ResaleConsent"]},
            "message": {"chainId": str(consortium.chain.chain_id), "collection": passports.address,
                        "tokenId": str(token_id), "nonce": str(nonce)}}


def prepare_consent(consortium: Consortium, body: dict) -> dict:
    """The resale consent's typed data for the owner to sign, and the file to hand the reseller
    (its `signature` left for the page to fill in)."""
    passports = Collection(consortium.chain, parse_address(body.get("collection"), "collection"))
    token_id = parse_passport_id(str(body.get("tokenId", "")))
    reseller = parse_address(body.get("reseller"), "reseller") if body.get("reseller") else ZERO_ADDRESS
    if reseller != ZERO_ADDRESS and not consortium.is_accredited(reseller, Accreditation.RESELLER):
        raise InputError(f"{reseller} is not an accredited reseller", "name a reseller the consortium accredited")
    buyer = parse_address(body.get("buyer"), "buyer") if body.get("buyer") else ZERO_ADDRESS
    terms = body.get("terms")
    if not isinstance(terms, str) or not terms.strip() or len(terms) > 2000:
        raise InputError("the consent needs its terms (1 to 2000 characters)", "write the terms agreed with the reseller")
    deadline = consent.deadline_on(passports, str(body.get("validFor", "7d")))
    salt = secrets.token_bytes(32)
    message = {"chainId": str(consortium.chain.chain_id), "collection": passports.address, "tokenId": str(token_id),
               "reseller": reseller, "buyer": buyer, "termsHash": "0x" + consent.terms_commitment(terms, salt).hex(),
               "nonce": str(passports.nonce(token_id)), "deadline": str(deadline)}
    typed = consent.typed_data(passports, "ResaleConsent", message)
    owner = passports.owner_of(token_id)
    file = consent.Signed("ResaleConsent", typed, "", owner, terms, "0x" + salt.hex()).to_dict()
    return {"typedData": typed, "file": file}


def action_args(name: str, args) -> tuple:
    """The JSON arguments of an owner action, as the contract takes them."""
    if name not in RELAYED_ACTIONS:
        raise InputError(f"{name!r} is not an owner action", f"use one of {', '.join(RELAYED_ACTIONS)}")
    if not isinstance(args, list):
        raise InputError("args is not a list", "send the action's arguments as a JSON list")
    types = RELAYED_ACTIONS[name][0].split("(", 1)[1].rstrip(")").split(",")
    if len(args) != len(types):
        raise InputError(f"{name} takes {len(types)} arguments, not {len(args)}", "see the owner API")
    parsed = []
    for index, (type_, value) in enumerate(zip(types, args)):
        if type_ == "address":
            parsed.append(parse_address(value, f"args[{index}]"))
        elif type_ == "uint256":
            parsed.append(parse_passport_id(str(value)))
        elif type_ == "uint8":
            if value not in REPORTABLE:
                raise InputError(f"status {value!r} is not one an owner reports", "report 'lost' or 'stolen'")
            parsed.append(int(REPORTABLE[value]))
        elif type_ == "bool":
            if not isinstance(value, bool):
                raise InputError(f"args[{index}] is not true or false", "send a JSON boolean")
            parsed.append(value)
    return tuple(parsed)


def prepare_request(consortium: Consortium, forwarder: Forwarder, body: dict) -> dict:
    """The ForwardRequest an owner signs for `body` ({from, collection, action, args, validFor}),
    checked against the passport now (ContractRevert when it would refuse)."""
    sender = parse_address(body.get("from"), "from")
    collection = parse_address(body.get("collection"), "collection")
    name = body.get("action")
    args = action_args(name, body.get("args"))
    valid_for = body.get("validFor", 600)
    if not isinstance(valid_for, int) or isinstance(valid_for, bool) or not 30 <= valid_for <= MAX_DEADLINE:
        raise InputError(f"validFor {valid_for!r} is out of range", f"pass 30 to {MAX_DEADLINE} seconds")
    action = owner_action(name, args, Collection(consortium.chain, collection).nonce(args[RELAYED_ACTIONS[name][1]]))
    request: ForwardRequest = forwarder.request(sender, collection, action, valid_for)
    return {"typedData": typed_data(forwarder.domain(), request), "request": request.message()}
