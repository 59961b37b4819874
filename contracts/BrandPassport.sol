// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IBrandPassport} from "../interfaces/IBrandPassport.sol";
import {IERC4494} from "../interfaces/IERC4494.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {PassportRecords} from "./libraries/PassportRecords.sol";

/// @title BrandPassport
/// @notice One brand's passport collection, created by the ConsortiumRegistry as a clone of
/// one implementation.
///
/// The rule: after its first sale a passport changes owner only by an authorisation that its
/// current owner gave during the current ownership and that names what it allows: the owner's
/// own transaction (or an approved operator's, approvals die on every move; an operator the
/// owner named for all their passports with `setApprovalForAll` is their standing choice, and
/// acts until they revoke it), a consent or permit signed at the current nonce, a chip claim
/// the current owner opened, or a recovery requested during this ownership, by a brand that is
/// active, that the owner did not cancel within RECOVERY_DELAY. Anything granted before the
/// passport last moved is dead: consents, permits, chip rebind requests, recoveries and chip
/// claims are keyed to the passport's nonce, which every move advances in the slot it writes,
/// so a move clears nothing else. The owner ends every outstanding signature without moving
/// with `revokeSignatures`.
///
/// An owner needs no ether: the account that acts is `_msgSender()` (ERC-2771), the caller or
/// the signer of a request that the consortium's LuxpassForwarder relays, fixed in this code.
/// That forwarder relays only an owner's action on one passport, and only at the passport nonce
/// the request names, so a relayed request dies as every other signature here does.
///
/// Invariants:
/// - every mint passes `_mintPassport`, which refuses a passport that exists; every transfer
///   passes `_move`, which refuses to move a lost, stolen or destroyed passport (except a
///   recovery of a lost or stolen one, which carries the report to the new owner), refuses a
///   move to its own owner, advances the passport's nonce (which closes its chip claim) and
///   appends the ownership record; there is no burn, so each passport has exactly one owner and
///   the balances add up to the passports minted;
/// - records are append-only: `head` only ever folds in a new record, and nothing recorded
///   can be edited or deleted, by anyone; each passport's `head` is the fold of its records in
///   order (IBrandPassport), which anyone re-derives from the logs;
/// - only this brand's role holders write brand records (mints, batches, lifecycle events,
///   first sales, chip bindings, the destruction of unsold stock, a report cleared at its
///   reporter's request), and only while the registry lists the brand as active; after
///   the first sale a chip is rebound only with the owner's signed `ChipRebind`;
/// - DEFAULT_ADMIN_ROLE is held by the brand's council alone and moved only by the registry,
///   with the council (`replaceAdmin`): no account grants, revokes or renounces it here, so a
///   replaced council cannot leave a second admin behind to take the collection back; the key
///   that loses the seat loses every other role it held here too;
/// - before its first sale a passport moves only between brand custodians; the first sale is
///   made by a retailer; after it, the rule above;
/// - recovery: the brand has no power to move a passport it does not own, except this one.
///   On the request of an owner who lost their wallet, the admin of an active brand names a
///   new owner that holds no role of the brand (when named, and when the move completes); the
///   move completes only after RECOVERY_DELAY,
///   while the brand is active and the passport has not moved, and the owner can cancel it
///   until then. A pending request is never overwritten; after the owner cancels one, and for an
///   owner that is a contract, no request is accepted during that ownership unless the other
///   members voted to allow it (`allowRecovery`, ended by her next cancel). A passport reported lost or
///   stolen can be recovered too (its owner then lost the item and the wallet): the report
///   passes to the new owner, who alone can report it found;
/// - a consent, a permit, a clear-report request, a chip rebind request and a chip challenge
///   each work once (a consent and a rebind request by the nonce they name and advance, the
///   others by a record of their use); a consent names the reseller that may submit it (or address(0): any);
///   a chip challenge names the recipient and a deadline, and counts only if answered after the
///   current owner opened the claim (over the block before the opening one, or a later one); a
///   clear-report request names the report it clears (the nonce that the report set);
/// - a status reported by an owner is cleared only by that owner, or by the brand with that
///   owner's signed request; destroyed is final.
/// tests/contracts/test_invariants.py checks these after every step of random sequences.
contract BrandPassport is ERC721, AccessControl, EIP712, ERC2771Context, IBrandPassport {
    using PassportRecords for Passport;

    /// @notice Mints passports, commits batches, records manufacturing events and binds chips.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Makes first sales (`firstSale`, `claim`) and records store events.
    bytes32 public constant RETAILER_ROLE = keccak256("RETAILER_ROLE");
    /// @notice Records service and repair events and binds chips.
    bytes32 public constant SERVICE_ROLE = keccak256("SERVICE_ROLE");
    /// @notice The time from a recovery request to its completion, in which the owner can cancel it.
    uint64 public constant RECOVERY_DELAY = 7 days;

    bytes32 private constant _CONSENT_TYPEHASH = keccak256(
        "ResaleConsent(uint256 chainId,address collection,uint256 tokenId,address reseller,address buyer,bytes32 termsHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address spender,uint256 tokenId,uint256 nonce,uint256 deadline)");
    bytes32 private constant _CLEAR_TYPEHASH =
        keccak256("ClearReport(uint256 tokenId,uint256 reportNonce,uint256 deadline)");
    bytes32 private constant _CHIP_TYPEHASH = keccak256(
        "ChipChallenge(uint256 tokenId,address to,uint256 deadline,bytes32 blockHash,bytes32 nonce)"
    );
    bytes32 private constant _REBIND_TYPEHASH =
        keccak256("ChipRebind(uint256 tokenId,address chip,uint256 nonce,uint256 deadline)");

    /// @dev A recovery request, valid only while the passport's nonce is still `nonce`.
    struct PendingRecovery {
        address newOwner;
        uint64 readyAt;
        uint32 nonce;
    }

    /// @dev The chip bound to a passport, and its owner's chip claim: open while the passport's
    /// nonce is still `claimNonce`, so a move or a rebind closes it without writing here;
    /// `claimOpenedAt` is the block that opened it (the chip's answers must be from after it).
    struct Chip {
        address key;
        bool claimOpen;
        uint32 claimNonce;
        uint48 claimOpenedAt;
    }

    address private _registry;
    /// @dev The registry's word on the brand (`setBrandActive`), in the registry's slot too, so that
    /// the check costs one storage read and no call.
    bool private _brandInactive;
    uint256 private _brandId;
    string private _collectionName;
    string private _collectionSymbol;
    string private _baseTokenURI;

    mapping(uint256 tokenId => Passport) private _passports; // the owner too: see `_ownerOf`
    mapping(address owner => uint256) private _holdings; // ERC-721's balances: see `balanceOf`
    mapping(bytes32 digest => bool) private _usedDigests;
    mapping(uint256 tokenId => PendingRecovery) private _recoveries;
    mapping(uint256 tokenId => address owner) private _recoveryRefusedBy; // her cancel, for her ownership
    mapping(address owner => bool) private _recoveryAllowed; // by a vote, until her next cancel
    mapping(uint256 tokenId => Chip) private _chips;
    mapping(bytes32 root => uint256) private _batchCommittedAt;

    /// @dev The implementation itself is never initialized; only its clones are, and they share
    /// its code, so every collection trusts the one `forwarder` (an ERC2771Forwarder).
    /// @param forwarder The consortium's forwarder of owners' signed requests (ERC-2771).
    constructor(address forwarder) ERC721("", "") EIP712("luxpass BrandPassport", "1") ERC2771Context(forwarder) {
        _registry = address(this);
    }

    /// @inheritdoc IBrandPassport
    /// @param brandId_ The brand's id in the registry.
    /// @param name_ The collection's ERC-721 name.
    /// @param symbol_ The collection's ERC-721 symbol.
    /// @param admin The brand's council, granted DEFAULT_ADMIN_ROLE.
    function initialize(uint256 brandId_, string calldata name_, string calldata symbol_, address admin) external {
        if (_registry != address(0)) revert PassportAlreadyInitialized();
        _registry = msg.sender;
        _brandId = brandId_;
        _collectionName = name_;
        _collectionSymbol = symbol_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IBrandPassport
    function replaceAdmin(address previous, address current) external {
        if (msg.sender != _registry) revert PassportNotRegistry(msg.sender);
        _revokeRole(DEFAULT_ADMIN_ROLE, previous);
        _revokeRole(MINTER_ROLE, previous);
        _revokeRole(RETAILER_ROLE, previous);
        _revokeRole(SERVICE_ROLE, previous);
        _grantRole(DEFAULT_ADMIN_ROLE, current);
    }

    /// @inheritdoc IBrandPassport
    function allowRecovery(address owner) external {
        if (msg.sender != _registry) revert PassportNotRegistry(msg.sender);
        _recoveryAllowed[owner] = true;
        emit RecoveryAllowed(owner);
    }

    /// @inheritdoc IBrandPassport
    function setBrandActive(bool active) external {
        if (msg.sender != _registry) revert PassportNotRegistry(msg.sender);
        _brandInactive = !active;
        emit BrandActivityChanged(active);
    }

    /// @inheritdoc AccessControl
    /// @dev DEFAULT_ADMIN_ROLE is not granted here (PassportAdminRoleMovedByRegistry).
    function grantRole(bytes32 role, address account) public override {
        _requireNotAdminRole(role);
        super.grantRole(role, account);
    }

    /// @inheritdoc AccessControl
    /// @dev DEFAULT_ADMIN_ROLE is not revoked here (PassportAdminRoleMovedByRegistry).
    function revokeRole(bytes32 role, address account) public override {
        _requireNotAdminRole(role);
        super.revokeRole(role, account);
    }

    /// @inheritdoc AccessControl
    /// @dev DEFAULT_ADMIN_ROLE is not renounced here (PassportAdminRoleMovedByRegistry).
    function renounceRole(bytes32 role, address callerConfirmation) public override {
        _requireNotAdminRole(role);
        super.renounceRole(role, callerConfirmation);
    }

    // ---- brand: minting, batches, lifecycle, first sale -------------------------------------

    /// @inheritdoc IBrandPassport
    function mint(address to, bytes32 commitment) external onlyRole(MINTER_ROLE) returns (uint256 tokenId) {
        _requireBrandActive();
        _requireCustodian(to);
        (tokenId,) = _mintPassport(to, commitment);
        unchecked {
            _holdings[to] += 1;
        }
    }

    /// @inheritdoc IBrandPassport
    function mintBatch(address to, bytes32[] calldata commitments) external onlyRole(MINTER_ROLE) {
        if (commitments.length == 0) revert PassportEmptyBatch();
        _requireBrandActive();
        _requireCustodian(to);
        for (uint256 i = 0; i < commitments.length; i++) {
            _mintPassport(to, commitments[i]);
        }
        unchecked {
            _holdings[to] += commitments.length;
        }
    }

    /// @inheritdoc IBrandPassport
    function commitBatch(bytes32 root) external onlyRole(MINTER_ROLE) {
        _requireBrandActive();
        if (root == bytes32(0)) revert PassportInvalidBatchRoot();
        if (_batchCommittedAt[root] != 0) revert PassportBatchAlreadyCommitted(root);
        _batchCommittedAt[root] = block.timestamp;
        emit BatchCommitted(root, _msgSender());
    }

    /// @inheritdoc IBrandPassport
    function claim(bytes32 root, bytes32 commitment, bytes32[] calldata proof, address buyer)
        external
        onlyRole(RETAILER_ROLE)
        returns (uint256 tokenId)
    {
        _requireBrandActive();
        if (_batchCommittedAt[root] == 0) revert PassportUnknownBatch(root);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(commitment))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert PassportInvalidProof(root, commitment);
        Passport storage p;
        (tokenId, p) = _mintPassport(buyer, commitment);
        p.sold = true;
        unchecked {
            _holdings[buyer] += 1;
        }
        address agent = _msgSender();
        // The claim's record is implied, as a plain mint's is (IBrandPassport): nothing but the owner's slot is written.
        emit OwnershipRecorded(tokenId, address(0), buyer, TransferKind.FirstSale, agent, p.implied(buyer));
        ERC721Utils.checkOnERC721Received(agent, address(0), buyer, tokenId, "");
    }

    /// @inheritdoc IBrandPassport
    function recordEvent(uint256 tokenId, EventKind kind, bytes32 detailsHash) external {
        address owner = _requireOwned(tokenId);
        address sender = _msgSender();
        if (!_mayRecord(sender, kind)) revert PassportMissingRole(sender, kind);
        _requireBrandActive();
        Passport storage p = _passports[tokenId];
        bytes32 head = p.recordLifecycle(owner, kind, detailsHash, sender);
        emit LifecycleRecorded(tokenId, kind, detailsHash, sender, head);
    }

    /// @inheritdoc IBrandPassport
    function firstSale(uint256 tokenId, address buyer) external onlyRole(RETAILER_ROLE) {
        address owner = _requireOwned(tokenId);
        _requireBrandActive();
        if (_passports[tokenId].sold) revert PassportAlreadySold(tokenId);
        if (!isBrandCustodian(owner)) revert PassportNotInBrandCustody(tokenId, owner);
        _moveAs(TransferKind.FirstSale, buyer, tokenId);
    }

    /// @inheritdoc IBrandPassport
    function bindChip(uint256 tokenId, address chip) external {
        Passport storage p = _chipBinder(tokenId, chip);
        if (p.sold) revert PassportRebindNeedsOwner(tokenId);
        _bind(tokenId, chip);
    }

    /// @inheritdoc IBrandPassport
    function rebindChip(uint256 tokenId, address chip, uint256 deadline, bytes calldata signature) external {
        Passport storage p = _chipBinder(tokenId, chip);
        if (block.timestamp > deadline) revert PassportRequestExpired(deadline);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(_REBIND_TYPEHASH, tokenId, chip, p.nonce, deadline)));
        if (!SignatureChecker.isValidSignatureNow(_ownerOf(tokenId), digest, signature)) {
            revert PassportRebindNotOwner(tokenId);
        }
        p.nonce += 1;
        _bind(tokenId, chip);
    }

    // ---- owners: status, resale, permit, chip claims ----------------------------------------

    /// @inheritdoc IBrandPassport
    function reportStatus(uint256 tokenId, Status status) external {
        _ownerActing(tokenId);
        Passport storage p = _passports[tokenId];
        if (p.status != Status.Active || (status != Status.Lost && status != Status.Stolen)) {
            revert PassportInvalidStatusChange(tokenId, p.status, status);
        }
        _advanceNonce(tokenId, p);
        _setStatus(tokenId, p, status);
    }

    /// @inheritdoc IBrandPassport
    function reportFound(uint256 tokenId) external {
        Passport storage p = _reported(tokenId);
        address reporter = _msgSender();
        if (reporter != p.owner) revert PassportNotStatusReporter(tokenId, reporter);
        _setStatus(tokenId, p, Status.Active);
    }

    /// @inheritdoc IBrandPassport
    function clearReportFor(uint256 tokenId, uint256 reportNonce, uint256 deadline, bytes calldata signature)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _requireBrandActive();
        Passport storage p = _reported(tokenId);
        if (block.timestamp > deadline) revert PassportRequestExpired(deadline);
        if (reportNonce != p.nonce) revert PassportClearRequestStale(tokenId, reportNonce, p.nonce);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(_CLEAR_TYPEHASH, tokenId, reportNonce, deadline)));
        if (_usedDigests[digest]) revert PassportClearRequestUsed(digest);
        if (!SignatureChecker.isValidSignatureNow(p.owner, digest, signature)) {
            revert PassportClearRequestNotReporter(tokenId);
        }
        _usedDigests[digest] = true;
        _setStatus(tokenId, p, Status.Active);
    }

    /// @inheritdoc IBrandPassport
    function markDestroyed(uint256 tokenId) external {
        address owner = _requireOwned(tokenId);
        Passport storage p = _passports[tokenId];
        if (p.status == Status.Destroyed) revert PassportInvalidStatusChange(tokenId, p.status, Status.Destroyed);
        address sender = _msgSender();
        bool brandCustody = !p.sold && hasRole(DEFAULT_ADMIN_ROLE, sender) && isBrandCustodian(owner);
        if (sender != owner && !brandCustody) revert ERC721IncorrectOwner(sender, tokenId, owner);
        // Unsold stock is the brand's: destroying it is a brand record.
        if (!p.sold) _requireBrandActive();
        _setStatus(tokenId, p, Status.Destroyed);
    }

    /// @inheritdoc IBrandPassport
    function resell(ResaleConsent calldata consent, address buyer, bytes calldata signature) external {
        IConsortiumRegistry registry_ = IConsortiumRegistry(_registry);
        address reseller = _msgSender();
        if (!registry_.isAccredited(reseller, IConsortiumRegistry.Accreditation.Reseller)) {
            revert PassportResellerNotAccredited(reseller);
        }
        if (consent.chainId != block.chainid) revert PassportConsentWrongChain(consent.chainId);
        if (consent.collection != address(this)) revert PassportConsentWrongCollection(consent.collection);
        if (block.timestamp > consent.deadline) revert PassportConsentExpired(consent.deadline);
        bytes32 digest = consentDigest(consent);
        uint256 tokenId = consent.tokenId;
        address owner = _requireOwned(tokenId);
        uint256 nonce = _passports[tokenId].nonce;
        if (consent.nonce != nonce) revert PassportConsentStale(tokenId, consent.nonce, nonce);
        if (consent.reseller != address(0) && consent.reseller != reseller) {
            revert PassportConsentWrongReseller(reseller);
        }
        if (consent.buyer != address(0) && consent.buyer != buyer) revert PassportConsentWrongBuyer(buyer);
        if (!SignatureChecker.isValidSignatureNow(owner, digest, signature)) revert PassportConsentNotOwner(tokenId);
        // No record of the used consent: it names the nonce this move advances, so it is stale from here on.
        _moveAs(TransferKind.Resale, buyer, tokenId);
        emit ResaleRecorded(tokenId, reseller, consent.termsHash, digest);
    }

    /// @inheritdoc IERC4494
    /// @dev Requirements:
    ///
    /// - `deadline` has not passed (PassportPermitExpired);
    /// - the passport exists (ERC721NonexistentToken) and is Active (PassportNotTransferable);
    /// - the permit was not used (PassportPermitUsed) and its owner signed it at the current
    ///   nonce (PassportPermitNotOwner); ERC-1271 wallets can.
    ///
    /// Emits an {Approval} and a {PermitUsed} event.
    function permit(address spender, uint256 tokenId, uint256 deadline, bytes calldata signature) external {
        if (block.timestamp > deadline) revert PassportPermitExpired(deadline);
        address owner = _requireOwned(tokenId);
        Status status = _passports[tokenId].status;
        if (status != Status.Active) revert PassportNotTransferable(tokenId, status);
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(_PERMIT_TYPEHASH, spender, tokenId, _passports[tokenId].nonce, deadline)));
        if (_usedDigests[digest]) revert PassportPermitUsed(digest);
        if (!SignatureChecker.isValidSignatureNow(owner, digest, signature)) revert PassportPermitNotOwner(tokenId);
        _usedDigests[digest] = true;
        _approve(spender, tokenId, address(0));
        emit PermitUsed(tokenId, spender, digest);
    }

    /// @inheritdoc IBrandPassport
    function setChipClaim(uint256 tokenId, bool open) external {
        _ownerActing(tokenId);
        Chip storage chip = _chips[tokenId];
        if (chip.key == address(0)) revert PassportNoChip(tokenId);
        chip.claimOpen = open;
        chip.claimNonce = _passports[tokenId].nonce;
        if (open) chip.claimOpenedAt = uint48(block.number);
        emit ChipClaimOpened(tokenId, open);
    }

    /// @inheritdoc IBrandPassport
    function claimWithChip(
        uint256 tokenId,
        address to,
        uint256 deadline,
        uint256 blockNumber,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        _requireOwned(tokenId);
        if (!_chipClaimOpen(tokenId)) revert PassportChipClaimClosed(tokenId);
        if (block.timestamp > deadline) revert PassportChipChallengeExpired(deadline);
        // The chip answered after the claim opened: its block is at most the one before the claim's
        // (the latest block's hash is not yet readable on every node), so no answer from earlier counts.
        if (
            blockNumber + 1 < _chips[tokenId].claimOpenedAt
                || !verifyChip(tokenId, to, deadline, blockNumber, nonce, signature)
        ) {
            revert PassportChipChallengeInvalid(tokenId);
        }
        bytes32 used = keccak256(abi.encode(_CHIP_TYPEHASH, tokenId, nonce));
        if (_usedDigests[used]) revert PassportChipChallengeUsed(tokenId, nonce);
        _usedDigests[used] = true;
        _moveAs(TransferKind.ChipClaim, to, tokenId);
    }

    /// @inheritdoc IBrandPassport
    function revokeSignatures(uint256 tokenId) external {
        _ownerActing(tokenId);
        Passport storage p = _passports[tokenId];
        _advanceNonce(tokenId, p);
        _approve(address(0), tokenId, address(0));
        emit SignaturesRevoked(tokenId, p.nonce);
    }

    // ---- recovery ---------------------------------------------------------------------------

    /// @inheritdoc IBrandPassport
    function requestRecovery(uint256 tokenId, address newOwner) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address owner = _requireOwned(tokenId);
        _requireBrandActive();
        Passport storage p = _passports[tokenId];
        if (!p.sold) revert PassportNotSold(tokenId);
        if (p.status == Status.Destroyed) revert PassportNotTransferable(tokenId, p.status);
        if (newOwner == address(0)) revert ERC721InvalidReceiver(newOwner);
        if (newOwner == owner) revert PassportSelfTransfer(tokenId);
        if (isBrandCustodian(newOwner)) revert PassportRecoveryToBrand(newOwner);
        PendingRecovery storage pending = _recoveries[tokenId];
        if (pending.newOwner != address(0) && pending.nonce == p.nonce) revert PassportRecoveryPending(tokenId);
        if (!_recoveryAllowed[owner]) {
            if (owner.code.length != 0) revert PassportRecoveryOfContractOwner(tokenId, owner);
            if (_recoveryRefusedBy[tokenId] == owner) revert PassportRecoveryRefusedByOwner(tokenId, owner);
        }
        uint64 readyAt = uint64(block.timestamp) + RECOVERY_DELAY;
        _recoveries[tokenId] = PendingRecovery(newOwner, readyAt, p.nonce);
        p.recoveryRequested = true;
        emit RecoveryRequested(tokenId, newOwner, readyAt, _msgSender());
    }

    /// @inheritdoc IBrandPassport
    function cancelRecovery(uint256 tokenId) external {
        address owner = _requireOwned(tokenId);
        if (_pendingRecovery(tokenId).newOwner == address(0)) revert PassportNoRecovery(tokenId);
        address sender = _msgSender();
        if (sender == owner) {
            _recoveryRefusedBy[tokenId] = owner;
            delete _recoveryAllowed[owner];
        } else if (!hasRole(DEFAULT_ADMIN_ROLE, sender)) {
            revert ERC721IncorrectOwner(sender, tokenId, owner);
        }
        _clearRecovery(tokenId);
        emit RecoveryCancelled(tokenId, sender);
    }

    /// @inheritdoc IBrandPassport
    function completeRecovery(uint256 tokenId) external {
        _requireOwned(tokenId);
        PendingRecovery memory r = _recoveries[tokenId];
        if (r.newOwner == address(0)) revert PassportNoRecovery(tokenId);
        if (r.nonce != _passports[tokenId].nonce) revert PassportRecoveryStale(tokenId);
        if (block.timestamp < r.readyAt) revert PassportRecoveryNotReady(tokenId, r.readyAt);
        _requireBrandActive();
        // The new owner held no role when named; a role granted since makes it the brand's own account.
        if (isBrandCustodian(r.newOwner)) revert PassportRecoveryToBrand(r.newOwner);
        _clearRecovery(tokenId);
        _moveAs(TransferKind.Recovery, r.newOwner, tokenId);
    }

    // ---- admin ------------------------------------------------------------------------------

    /// @inheritdoc IBrandPassport
    function setBaseURI(string calldata baseURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireBrandActive();
        _baseTokenURI = baseURI;
        emit BaseURIChanged(baseURI);
    }

    // ---- views ------------------------------------------------------------------------------

    /// @inheritdoc ERC721
    function name() public view override returns (string memory) {
        return _collectionName;
    }

    /// @inheritdoc ERC721
    function symbol() public view override returns (string memory) {
        return _collectionSymbol;
    }

    /// @inheritdoc IBrandPassport
    function passport(uint256 tokenId) external view returns (Passport memory p) {
        address owner = _requireOwned(tokenId);
        p = _passports[tokenId];
        (p.head, p.records) = _passports[tokenId].latest(owner);
    }

    /// @inheritdoc IBrandPassport
    function passportOf(bytes32 commitment) external view returns (uint256 tokenId) {
        tokenId = uint256(commitment);
        _requireOwned(tokenId);
    }

    /// @inheritdoc IBrandPassport
    function passportsState(uint256[] calldata tokenIds)
        external
        view
        returns (bool[] memory exists, address[] memory owners, Status[] memory statuses)
    {
        exists = new bool[](tokenIds.length);
        owners = new address[](tokenIds.length);
        statuses = new Status[](tokenIds.length);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            address owner = _ownerOf(tokenIds[i]);
            exists[i] = owner != address(0);
            owners[i] = owner;
            statuses[i] = _passports[tokenIds[i]].status;
        }
    }

    /// @inheritdoc IBrandPassport
    function screen(uint256[] calldata tokenIds, address[] calldata sellers) external view returns (bytes memory verdicts) {
        bool checkSellers = sellers.length != 0;
        if (checkSellers && sellers.length != tokenIds.length) {
            revert PassportLengthMismatch(tokenIds.length, sellers.length);
        }
        verdicts = new bytes(tokenIds.length);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            address owner = _ownerOf(tokenIds[i]);
            Passport storage p = _passports[tokenIds[i]];
            Screening verdict = owner == address(0) ? Screening.NoSuchPassport : _statusVerdict(p.status);
            if (verdict == Screening.Authentic) {
                if (checkSellers && sellers[i] != owner) verdict = Screening.SellerNotOwner;
                else if (p.recoveryRequested && _pendingRecovery(tokenIds[i]).newOwner != address(0)) {
                    verdict = Screening.RecoveryPending;
                }
            }
            verdicts[i] = bytes1(uint8(verdict));
        }
    }

    /// @inheritdoc IBrandPassport
    function heads(uint256[] calldata tokenIds) external view returns (bytes32[] memory head, uint32[] memory records) {
        head = new bytes32[](tokenIds.length);
        records = new uint32[](tokenIds.length);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            address owner = _ownerOf(tokenIds[i]);
            if (owner != address(0)) (head[i], records[i]) = _passports[tokenIds[i]].latest(owner);
        }
    }

    /// @inheritdoc IERC4494
    /// @dev A passport's nonce also advances on a lost or stolen report, a chip rebind and
    /// `revokeSignatures`.
    function nonces(uint256 tokenId) external view returns (uint256) {
        return _passports[tokenId].nonce;
    }

    /// @inheritdoc IERC4494
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IBrandPassport
    function consentDigest(ResaleConsent calldata consent) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _CONSENT_TYPEHASH,
                    consent.chainId,
                    consent.collection,
                    consent.tokenId,
                    consent.reseller,
                    consent.buyer,
                    consent.termsHash,
                    consent.nonce,
                    consent.deadline
                )
            )
        );
    }

    /// @inheritdoc IBrandPassport
    function isRequestUsed(bytes32 digest) external view returns (bool) {
        return _usedDigests[digest];
    }

    /// @inheritdoc IBrandPassport
    function recoveryOf(uint256 tokenId) external view returns (Recovery memory r) {
        PendingRecovery memory pending = _pendingRecovery(tokenId);
        r = Recovery(pending.newOwner, pending.readyAt);
    }

    /// @inheritdoc IBrandPassport
    function recoveryHeld(uint256 tokenId) external view returns (bool) {
        address owner = _requireOwned(tokenId);
        return !_recoveryAllowed[owner] && (owner.code.length != 0 || _recoveryRefusedBy[tokenId] == owner);
    }

    /// @inheritdoc IBrandPassport
    function chipClaimOpen(uint256 tokenId) external view returns (bool) {
        return _chipClaimOpen(tokenId);
    }

    /// @inheritdoc IBrandPassport
    function chipOf(uint256 tokenId) external view returns (address) {
        return _chips[tokenId].key;
    }

    /// @inheritdoc IBrandPassport
    function verifyChip(
        uint256 tokenId,
        address to,
        uint256 deadline,
        uint256 blockNumber,
        bytes32 nonce,
        bytes calldata signature
    ) public view returns (bool) {
        address chip = _chips[tokenId].key;
        if (chip == address(0) || blockNumber >= block.number || block.number - blockNumber > 256) return false;
        if (block.timestamp > deadline) return false;
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(_CHIP_TYPEHASH, tokenId, to, deadline, blockhash(blockNumber), nonce))
        );
        return SignatureChecker.isValidSignatureNow(chip, digest, signature);
    }

    /// @inheritdoc IBrandPassport
    function batchCommittedAt(bytes32 root) external view returns (uint256) {
        return _batchCommittedAt[root];
    }

    /// @inheritdoc IBrandPassport
    function brandId() external view returns (uint256) {
        return _brandId;
    }

    /// @inheritdoc IBrandPassport
    function registry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc IBrandPassport
    function isBrandCustodian(address account) public view returns (bool) {
        return hasRole(DEFAULT_ADMIN_ROLE, account) || hasRole(MINTER_ROLE, account)
            || hasRole(RETAILER_ROLE, account) || hasRole(SERVICE_ROLE, account);
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl) returns (bool) {
        return interfaceId == type(IBrandPassport).interfaceId || interfaceId == type(IERC4494).interfaceId
            || super.supportsInterface(interfaceId);
    }

    // ---- internals --------------------------------------------------------------------------

    /// @dev ERC-721's transfers; ERC721's `_mint`, `_safeMint` and `_burn` are never called.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        return _move(TransferKind.PrivateTransfer, false, to, tokenId, auth);
    }

    /// @dev The one choke point of every transfer: `kind` as one of the paths the invariants list
    /// chose it (`_moveAs`, `chosen`), or, for an ERC-721 transfer by `auth` (`_update`), derived
    /// from the passport's state.
    function _move(TransferKind kind, bool chosen, address to, uint256 tokenId, address auth)
        private
        returns (address from)
    {
        from = _ownerOf(tokenId);
        if (from == address(0)) revert ERC721NonexistentToken(tokenId);
        Passport storage p = _passports[tokenId];
        if (to == address(0)) revert ERC721InvalidReceiver(to);
        if (to == from) revert PassportSelfTransfer(tokenId);
        if (p.status != Status.Active) {
            // A recovery carries a lost or stolen report to the new owner, who alone may clear it.
            if (kind != TransferKind.Recovery || p.status == Status.Destroyed) {
                revert PassportNotTransferable(tokenId, p.status);
            }
        }
        if (!chosen && !p.sold) {
            if (!isBrandCustodian(to)) revert PassportFirstSaleByRetailer(tokenId);
            kind = TransferKind.Custody;
        }
        bool selling = kind == TransferKind.FirstSale;
        if (!selling && !p.sold && kind != TransferKind.Custody) revert PassportNotSold(tokenId);
        p.nonce += 1;
        address agent = _msgSender();
        bytes32 head = p.recordOwnership(from, to, kind, agent); // before `sold`, which names the implied first record
        if (selling) p.sold = true;
        if (auth != address(0)) _checkAuthorized(from, auth, tokenId);
        _approve(address(0), tokenId, address(0), false);
        unchecked {
            _holdings[from] -= 1;
            _holdings[to] += 1;
        }
        p.owner = to;
        emit Transfer(from, to, tokenId);
        emit OwnershipRecorded(tokenId, from, to, kind, agent, head);
    }

    /// @dev The passport's owner, when the account acting on it ({_msgSender}) is its owner.
    function _ownerActing(uint256 tokenId) private view returns (address owner) {
        owner = _requireOwned(tokenId);
        address sender = _msgSender();
        if (sender != owner) revert ERC721IncorrectOwner(sender, tokenId, owner);
    }

    function _msgSender() internal view override(Context, ERC2771Context) returns (address sender) {
        sender = msg.sender;
        // The forwarder appends the signer's address to every call it relays.
        if (sender == trustedForwarder()) {
            assembly ("memory-safe") {
                sender := shr(96, calldataload(sub(calldatasize(), 20)))
            }
        }
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }

    function _ownerOf(uint256 tokenId) internal view override returns (address) {
        return _passports[tokenId].owner;
    }

    /// @inheritdoc ERC721
    function balanceOf(address owner) public view override returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _holdings[owner];
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }

    /// @dev A transfer on behalf of the owner, by one of the paths the invariants list, with
    /// ERC-721's safe-transfer check: a contract recipient must accept the passport.
    function _moveAs(TransferKind kind, address to, uint256 tokenId) private {
        address from = _move(kind, true, to, tokenId, address(0)); // refuses a zero `to`, as for every move
        ERC721Utils.checkOnERC721Received(_msgSender(), from, to, tokenId, "");
    }

    /// @dev The passport, once the sender may bind chips (MINTER_ROLE or SERVICE_ROLE of an active brand).
    function _chipBinder(uint256 tokenId, address chip) private view returns (Passport storage p) {
        _requireOwned(tokenId);
        address sender = _msgSender();
        if (!hasRole(MINTER_ROLE, sender) && !hasRole(SERVICE_ROLE, sender)) {
            revert AccessControlUnauthorizedAccount(sender, MINTER_ROLE);
        }
        _requireBrandActive();
        if (chip == address(0)) revert PassportInvalidChip(chip);
        p = _passports[tokenId];
    }

    /// @dev Bind `chip`; a claim opened for the previous chip does not carry over.
    function _bind(uint256 tokenId, address chip) private {
        _chips[tokenId] = Chip(chip, false, 0, 0);
        emit ChipBound(tokenId, chip, _msgSender());
    }

    /// @dev Whether the owner's chip claim is open: opened at the passport's current nonce.
    function _chipClaimOpen(uint256 tokenId) private view returns (bool) {
        Chip storage chip = _chips[tokenId];
        return chip.claimOpen && chip.claimNonce == _passports[tokenId].nonce;
    }

    /// @dev Advance the nonce without a move (a report, `revokeSignatures`): what was signed at
    /// the old nonce dies, and an open chip claim, which only a move or a rebind closes, is
    /// carried to the new nonce.
    function _advanceNonce(uint256 tokenId, Passport storage p) private {
        uint32 nonce = p.nonce;
        p.nonce = nonce + 1;
        Chip storage chip = _chips[tokenId];
        if (chip.claimOpen && chip.claimNonce == nonce) chip.claimNonce = nonce + 1;
    }

    function _clearRecovery(uint256 tokenId) private {
        delete _recoveries[tokenId];
        _passports[tokenId].recoveryRequested = false;
    }

    /// @dev The recovery request of the current ownership, or an empty one.
    function _pendingRecovery(uint256 tokenId) private view returns (PendingRecovery memory r) {
        r = _recoveries[tokenId];
        if (r.nonce != _passports[tokenId].nonce) delete r;
    }

    /// @dev The one choke point of every mint: ERC721's `_mint`, with the owner kept in the
    /// passport's slot (the one slot a mint writes) and the balance left to the caller, which adds
    /// a batch's passports at once; ERC721's private `_owners` and `_balances` stay empty. A plain
    /// mint stores only the owner: its record is implied (IBrandPassport).
    function _mintPassport(address to, bytes32 commitment) private returns (uint256 tokenId, Passport storage p) {
        if (commitment == bytes32(0)) revert PassportInvalidCommitment();
        tokenId = uint256(commitment);
        p = _passports[tokenId];
        if (p.owner != address(0)) revert ERC721InvalidSender(address(0));
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        p.owner = to;
        emit Transfer(address(0), to, tokenId);
    }

    function _reported(uint256 tokenId) private view returns (Passport storage p) {
        _requireOwned(tokenId);
        p = _passports[tokenId];
        if (p.status != Status.Lost && p.status != Status.Stolen) {
            revert PassportInvalidStatusChange(tokenId, p.status, Status.Active);
        }
    }

    function _setStatus(uint256 tokenId, Passport storage p, Status status) private {
        Status previous = p.status;
        p.status = status;
        address sender = _msgSender();
        bytes32 head = p.recordStatus(_ownerOf(tokenId), status, sender);
        emit StatusChanged(tokenId, previous, status, sender, head);
    }

    /// @dev The verdict a status gives, member by member: reordering `Status` or `Screening`
    /// cannot change what a status screens as.
    function _statusVerdict(Status status) private pure returns (Screening) {
        if (status == Status.Lost) return Screening.Lost;
        if (status == Status.Stolen) return Screening.Stolen;
        if (status == Status.Destroyed) return Screening.Destroyed;
        return Screening.Authentic;
    }

    function _mayRecord(address account, EventKind kind) private view returns (bool) {
        if (kind == EventKind.Manufactured || kind == EventKind.QualityChecked || kind == EventKind.Shipped) {
            return hasRole(MINTER_ROLE, account);
        }
        if (kind == EventKind.ReceivedInStore || kind == EventKind.Sold) return hasRole(RETAILER_ROLE, account);
        if (kind == EventKind.Serviced || kind == EventKind.Repaired) return hasRole(SERVICE_ROLE, account);
        return hasRole(MINTER_ROLE, account) || hasRole(RETAILER_ROLE, account) || hasRole(SERVICE_ROLE, account);
    }

    function _requireBrandActive() private view {
        if (_brandInactive) revert PassportBrandNotActive(_brandId);
    }

    /// @dev The admin role is the brand's council alone: the registry moves it (`initialize`,
    /// `replaceAdmin`), so that a replaced council leaves no admin of its own choosing behind.
    function _requireNotAdminRole(bytes32 role) private pure {
        if (role == DEFAULT_ADMIN_ROLE) revert PassportAdminRoleMovedByRegistry();
    }

    function _requireCustodian(address account) private view {
        if (!isBrandCustodian(account)) revert PassportNotBrandCustodian(account);
    }
}
