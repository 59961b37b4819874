"""A founding brand whose council is a 2-of-3 Safe (the real Safe 1.4.1 bytecode from npm): it
proposes, votes, administers its collection and attests only through `execTransaction` with two
owners' signatures; one owner alone, or an owner with a stranger, is refused by the Safe."""
import brownie
import pytest
from brownie import Contract

from eth_utils import keccak

from contract_helpers import ACTIVE, AUDITOR, MINTER_ROLE, P_EXECUTED, P_OPEN, RESELLER, WEEK, error
from luxpass.chain.accounts import dev_account
from luxpass.local import safe_jobs
from luxpass.onchain import safe as safes


@pytest.fixture(scope="module")
def safe_contracts(signer):
    return safes.deploy_safe_factory(signer(0))


@pytest.fixture(scope="module")
def officers():
    """The three officers of brand 1 who own its Safe (Anvil keys 4-6, no other role)."""
    return [dev_account(i, 31337) for i in (4, 5, 6)]


@pytest.fixture(scope="module")
def council_safe(signer, safe_contracts, officers):
    return safes.create_safe(signer(0), safe_contracts, [o.address for o in officers], 2)


@pytest.fixture(scope="module")
def safe_registry(ConsortiumRegistry, implementation, deployer, council_safe, councils):
    """Brand 1's council is the Safe; brands 2 and 3 are plain keys."""
    return ConsortiumRegistry.deploy(implementation, ["Maison Aurel", "Casa Vellutti", "Horlogerie Brandt"],
                                     ["AUR", "VEL", "HBR"], [council_safe, councils[1], councils[2]], 5000, WEEK,
                                     {"from": deployer})


@pytest.fixture(scope="module")
def safe_collection(safe_registry, BrandPassport):
    return BrandPassport.at(safe_registry.brand(1)[2])


@pytest.fixture(scope="module")
def safe_wallet(council_safe):
    return Contract.from_abi("Safe", council_safe, safes.safe_artifact("SafeL2")["abi"])


@pytest.fixture
def job_path(tmp_path):
    return tmp_path / "safe-tx.json"


def act(signer, council_safe, call, signers, path, executor=7):
    """Draft `call` from the Safe, have `signers` sign it in the job file, execute it."""
    chain = signer(executor)
    safe_jobs.save_new_job(safes.Safe(chain, council_safe).draft(call, "test action"), path)
    for owner in signers:
        safe_jobs.sign(path, chain, owner)
    return safe_jobs.execute(path, chain)


def web3_contract(signer, name, address):
    return signer(0).contract(name, address)


def test_safe_council_is_brand_1_and_admin_of_its_collection(safe_registry, safe_collection, council_safe):
    assert safe_registry.brandIdOfCouncil(council_safe) == 1
    assert safe_collection.hasRole("0x" + "00" * 32, council_safe)


def test_safe_proposes_with_two_of_three_signatures(signer, safe_registry, council_safe, officers, newcomer, job_path):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    job = act(signer, council_safe, registry.functions.proposeAdmission("Atelier Nouveau", "ATN", newcomer.address),
              officers[:2], job_path)
    assert job.tx and sorted(job.signers) == sorted(o.address for o in officers[:2])
    proposal = safe_registry.proposal(1)
    assert proposal[6] == 1  # proposerBrandId: the Safe's brand
    assert safe_registry.hasVoted(1, 1) and safe_registry.proposalState(1) == P_OPEN
    assert safe_jobs.read_job(job_path).executed == job.tx  # recorded in the file


def test_safe_vote_carries_a_proposal(signer, safe_registry, council_safe, councils, officers, newcomer, job_path):
    tx = safe_registry.proposeAdmission("Atelier Nouveau", "ATN", newcomer, {"from": councils[1]})
    proposal_id = tx.events["ProposalCreated"]["proposalId"]
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    act(signer, council_safe, registry.functions.vote(proposal_id, True), officers[1:], job_path)
    assert safe_registry.proposalState(proposal_id) == P_EXECUTED
    assert safe_registry.brandStatus(4) == ACTIVE


def test_safe_administers_its_collection(signer, safe_collection, council_safe, officers, job_path, accounts):
    collection = web3_contract(signer, "BrandPassport", safe_collection.address)
    act(signer, council_safe, collection.functions.grantRole(MINTER_ROLE, accounts[8].address),
        [officers[0], officers[2]], job_path)
    assert safe_collection.hasRole(MINTER_ROLE, accounts[8])


def test_safe_accredited_as_auditor_attests(signer, safe_registry, council_safe, councils, officers, job_path):
    # the other two founders accredit the Safe (here: the founding Safe itself) as an auditor
    tx = safe_registry.proposeAccreditation(council_safe, AUDITOR, True, {"from": councils[1]})
    safe_registry.vote(tx.events["ProposalCreated"]["proposalId"], True, {"from": councils[2]})
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    digest = b"\x11" * 32
    act(signer, council_safe, registry.functions.attest(digest, brownie.web3.eth.block_number), officers[:2], job_path)
    assert safe_registry.attestation(council_safe, digest) > 0


def test_one_owner_alone_cannot_act_for_the_safe(signer, safe_registry, safe_wallet, officers, accounts):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    call = registry.functions.proposeBrandStatus(2, 1)
    job = safes.Safe(signer(4), safe_wallet.address).draft(call, "suspend brand 2")
    one = officers[0].unsafe_sign_hash(job.digest).signature
    with brownie.reverts("GS020"):  # signatures data too short for the threshold
        safe_wallet.execTransaction(*job.tx.as_args(), bytes(one), {"from": accounts[4]})
    with brownie.reverts(error("RegistryNotActiveMember", accounts[4])):  # nor in its own name
        safe_registry.proposeBrandStatus(2, 1, {"from": accounts[4]})
    assert safe_registry.proposalCount() == 0


def test_an_owner_and_a_stranger_cannot_act_for_the_safe(signer, safe_registry, safe_wallet, officers, accounts):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    job = safes.Safe(signer(4), safe_wallet.address).draft(registry.functions.proposeBrandStatus(2, 1), "suspend")
    stranger = dev_account(9, 31337)
    packed = safes.pack_signatures({k.address: bytes(k.unsafe_sign_hash(job.digest).signature)
                                    for k in (officers[0], stranger)})
    with brownie.reverts("GS026"):  # invalid owner provided
        safe_wallet.execTransaction(*job.tx.as_args(), packed, {"from": accounts[4]})
    assert safe_registry.proposalCount() == 0


def test_library_refuses_to_execute_below_threshold(signer, safe_registry, council_safe, officers, job_path):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    drafted = safes.Safe(signer(7), council_safe).draft(registry.functions.proposeBrandStatus(2, 1), "suspend")
    safe_jobs.save_new_job(drafted, job_path)
    safe_jobs.sign(job_path, signer(7), officers[0])
    with pytest.raises(safes.InputError, match="1 of the 2 signatures"):
        safe_jobs.execute(job_path, signer(7))
    with pytest.raises(safes.InputError, match="signed this Safe transaction already"):
        safe_jobs.sign(job_path, signer(7), officers[0])
    with pytest.raises(safes.InputError, match="is not an owner"):
        safe_jobs.sign(job_path, signer(7), dev_account(9, 31337))
    assert safe_registry.proposalCount() == 0


def test_a_refused_action_is_named_before_anyone_signs(signer, safe_registry, council_safe):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    with pytest.raises(safes.LuxpassError, match="RegistryInvalidStatusChange"):
        safes.Safe(signer(7), council_safe).draft(registry.functions.proposeBrandStatus(1, 2), "reinstate")


def test_a_job_is_executed_once(signer, safe_registry, council_safe, officers, job_path):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    done = act(signer, council_safe, registry.functions.proposeBrandStatus(2, 1), officers[:2], job_path)
    again = safe_jobs.execute(job_path, signer(7))  # done already: reported, never sent again
    assert isinstance(again, safe_jobs.AlreadyDone) and again.tx == done.tx
    assert safe_registry.proposalCount() == 1


def test_an_altered_job_file_is_refused(signer, safe_registry, council_safe, job_path):
    registry = web3_contract(signer, "ConsortiumRegistry", safe_registry.address)
    drafted = safes.Safe(signer(7), council_safe).draft(registry.functions.proposeBrandStatus(2, 1), "suspend")
    safe_jobs.save_new_job(drafted, job_path)
    text = job_path.read_text().replace('"nonce": 0', '"nonce": 5')
    job_path.write_text(text)
    with pytest.raises(safes.InputError, match="altered"):
        safe_jobs.read_job(job_path)


# --- EIP-1271: a Safe signs what the collections check through SignatureChecker ------------------

@pytest.fixture(scope="module")
def reseller(accounts, governance):
    governance.accredit(accounts[9], RESELLER)
    return accounts[9]


def test_a_passport_held_by_a_safe_is_resold_on_its_owners_eip1271_consent(brand, in_store, retailer, council_safe,
                                                                          officers, bob, reseller):
    brand.firstSale(in_store, council_safe, {"from": retailer})  # the Safe's handler accepts ERC-721s
    consent = (brownie.chain.id, brand.address, in_store, reseller.address, bob.address, keccak(text="EUR 4,800"),
               brand.nonces(in_store), brownie.chain.time() + 3600)
    digest = bytes(brand.consentDigest(consent))
    one = safes.sign_for_safe(brownie.chain.id, council_safe, digest, officers[:1])
    with brownie.reverts(error("PassportConsentNotOwner", in_store)):  # one officer is not the Safe
        brand.resell(consent, bob, one, {"from": reseller})
    two = safes.sign_for_safe(brownie.chain.id, council_safe, digest, officers[1:])
    brand.resell(consent, bob, two, {"from": reseller})
    assert brand.ownerOf(in_store) == bob
