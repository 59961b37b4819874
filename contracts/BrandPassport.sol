// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IBrandPassport} from "../interfaces/IBrandPassport.sol";
import {IERC4494} from "../interfaces/IERC4494.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @title BrandPassport
/// @notice One brand's passport collection, created by the ConsortiumRegistry as a clone of
/// one implementation. Invariants:
/// - every mint and transfer passes `_update`, which refuses to move a lost, stolen or
///   destroyed passport, advances the passport's nonce and appends the ownership record;
///   there is no burn, so each passport has exactly one owner and the balances add up to the
///   passports minted;
/// - records are append-only: `head` only ever folds in a new record, and nothing recorded
///   can be edited or deleted, by anyone; each passport's `head` is the fold of its records in
///   order (IBrandPassport), which anyone re-derives from the logs;
/// - only this brand's role holders write brand records (mints, batches, lifecycle events,
///   first sales, chip bindings), and only while the registry lists the brand as active;
/// - before its first sale a passport moves only between brand custodians; the first sale is
///   made by a retailer; after it, a passport moves only by its owner (or whom the owner
///   approved, also by ERC-4494 permit), by an accredited reseller with the owner's signed
///   consent, by a holder of its chip when the owner allowed that, or by recovery;
/// - recovery: the brand has no power to move a passport it does not own, except this one.
///   On the request of an owner who lost their wallet, the brand admin names a new owner;
///   the move completes only after RECOVERY_DELAY, and the old address can cancel it until then;
/// - a consent, a permit, a clear-report request and a chip challenge each work once; consents
///   and permits die when the passport moves;
/// - a status reported by an owner is cleared only by that owner, or by the brand with that
///   owner's signed request; destroyed is final.
/// tests/contracts/test_invariants.py checks these after every step of random sequences.
contract BrandPassport is ERC721, AccessControl, EIP712, IBrandPassport {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant RETAILER_ROLE = keccak256("RETAILER_ROLE");
    bytes32 public constant SERVICE_ROLE = keccak256("SERVICE_ROLE");
    uint64 public constant RECOVERY_DELAY = 7 days;

    bytes32 private constant _CONSENT_TYPEHASH = keccak256(
        "ResaleConsent(uint256 chainId,address collection,uint256 tokenId,address buyer,bytes32 termsHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _PERMIT_TYPEHASH =
        keccak256("Permit(address spender,uint256 tokenId,uint256 nonce,uint256 deadline)");
    bytes32 private constant _CLEAR_TYPEHASH = keccak256("ClearReport(uint256 tokenId,uint256 nonce,uint256 deadline)");
    bytes32 private constant _CHIP_TYPEHASH = keccak256("ChipChallenge(uint256 tokenId,bytes32 blockHash,bytes32 nonce)");

    address private _registry;
    /// @dev Transfer kind chosen by the entry point for `_update`; 0 means "derive it". Plain
    /// storage, not transient, so that the build runs before Cancun; set and cleared within one
    /// call. It shares the registry's non-zero slot, so setting it is a rewrite, not a new slot,
    /// and clearing it is refunded.
    uint8 private _pendingKind;
    uint256 private _brandId;
    string private _collectionName;
    string private _collectionSymbol;
    string private _baseTokenURI;

    mapping(uint256 tokenId => Passport) private _passports;
    mapping(bytes32 digest => bool) private _usedDigests;
    mapping(uint256 tokenId => Recovery) private _recoveries;
    mapping(uint256 tokenId => address) private _chips;
    mapping(uint256 tokenId => bool) private _chipClaimOpen;
    mapping(bytes32 root => uint256) private _batchCommittedAt;

    /// @dev The implementation itself is never initialized; only its clones are.
    constructor() ERC721("", "") EIP712("luxpass BrandPassport", "1") {
        _registry = address(this);
    }

    /// @inheritdoc IBrandPassport
    function initialize(uint256 brandId_, string calldata name_, string calldata symbol_, address admin) external {
        if (_registry != address(0)) revert PassportAlreadyInitialized();
        _registry = msg.sender;
        _brandId = brandId_;
        _collectionName = name_;
        _collectionSymbol = symbol_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---- brand: minting, batches, lifecycle, first sale -------------------------------------

    /// @inheritdoc IBrandPassport
    function mint(address to, bytes32 commitment) external onlyRole(MINTER_ROLE) returns (uint256 tokenId) {
        _requireBrandActive();
        _requireCustodian(to);
        tokenId = _mintPassport(to, commitment);
    }

    /// @inheritdoc IBrandPassport
    function mintBatch(address to, bytes32[] calldata commitments) external onlyRole(MINTER_ROLE) {
        if (commitments.length == 0) revert PassportEmptyBatch();
        _requireBrandActive();
        _requireCustodian(to);
        for (uint256 i = 0; i < commitments.length; i++) {
            _mintPassport(to, commitments[i]);
        }
    }

    /// @inheritdoc IBrandPassport
    function commitBatch(bytes32 root) external onlyRole(MINTER_ROLE) {
        _requireBrandActive();
        if (root == bytes32(0)) revert PassportInvalidCommitment();
        if (_batchCommittedAt[root] != 0) revert PassportBatchAlreadyCommitted(root);
        _batchCommittedAt[root] = block.timestamp;
        emit BatchCommitted(root, msg.sender);
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
        _pendingKind = uint8(TransferKind.FirstSale) + 1;
        tokenId = _mintPassport(buyer, commitment);
        _pendingKind = 0;
    }

    /// @inheritdoc IBrandPassport
    function recordEvent(uint256 tokenId, EventKind kind, bytes32 detailsHash) external {
        address owner = _requireOwned(tokenId);
        if (!_mayRecord(msg.sender, kind)) revert PassportMissingRole(msg.sender, kind);
        _requireBrandActive();
        Passport storage p = _passports[tokenId];
        bytes32 head = _fold(p, owner, abi.encode(RecordType.Lifecycle, uint8(kind), detailsHash, msg.sender));
        emit LifecycleRecorded(tokenId, kind, detailsHash, msg.sender, head);
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
        _requireOwned(tokenId);
        if (!hasRole(MINTER_ROLE, msg.sender) && !hasRole(SERVICE_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, MINTER_ROLE);
        }
        _requireBrandActive();
        if (chip == address(0)) revert PassportNoChip(tokenId);
        _chips[tokenId] = chip;
        emit ChipBound(tokenId, chip, msg.sender);
    }

    // ---- owners: status, resale, permit, chip claims ----------------------------------------

    /// @inheritdoc IBrandPassport
    function reportStatus(uint256 tokenId, Status status) external {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner) revert ERC721IncorrectOwner(msg.sender, tokenId, owner);
        Passport storage p = _passports[tokenId];
        if (p.status != Status.Active || (status != Status.Lost && status != Status.Stolen)) {
            revert PassportInvalidStatusChange(tokenId, p.status, status);
        }
        p.statusReporter = msg.sender;
        _setStatus(tokenId, p, status);
    }

    /// @inheritdoc IBrandPassport
    function reportFound(uint256 tokenId) external {
        Passport storage p = _reported(tokenId);
        if (msg.sender != p.statusReporter) revert PassportNotStatusReporter(tokenId, msg.sender);
        p.statusReporter = address(0);
        _setStatus(tokenId, p, Status.Active);
    }

    /// @inheritdoc IBrandPassport
    function clearReportFor(uint256 tokenId, uint256 deadline, bytes calldata signature)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        Passport storage p = _reported(tokenId);
        if (block.timestamp > deadline) revert PassportRequestExpired(deadline);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(_CLEAR_TYPEHASH, tokenId, p.nonce, deadline)));
        if (_usedDigests[digest]) revert PassportConsentUsed(digest);
        if (!SignatureChecker.isValidSignatureNow(p.statusReporter, digest, signature)) {
            revert PassportNotStatusReporter(tokenId, msg.sender);
        }
        _usedDigests[digest] = true;
        p.statusReporter = address(0);
        _setStatus(tokenId, p, Status.Active);
    }

    /// @inheritdoc IBrandPassport
    function markDestroyed(uint256 tokenId) external {
        address owner = _requireOwned(tokenId);
        Passport storage p = _passports[tokenId];
        if (p.status == Status.Destroyed) revert PassportInvalidStatusChange(tokenId, p.status, Status.Destroyed);
        bool brandCustody = !p.sold && hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && isBrandCustodian(owner);
        if (msg.sender != owner && !brandCustody) revert ERC721IncorrectOwner(msg.sender, tokenId, owner);
        p.statusReporter = address(0);
        _setStatus(tokenId, p, Status.Destroyed);
    }

    /// @inheritdoc IBrandPassport
    function resell(ResaleConsent calldata consent, address buyer, bytes calldata signature) external {
        IConsortiumRegistry registry_ = IConsortiumRegistry(_registry);
        if (!registry_.isAccredited(msg.sender, IConsortiumRegistry.Accreditation.Reseller)) {
            revert PassportResellerNotAccredited(msg.sender);
        }
        if (consent.chainId != block.chainid) revert PassportConsentWrongChain(consent.chainId);
        if (consent.collection != address(this)) revert PassportConsentWrongCollection(consent.collection);
        if (block.timestamp > consent.deadline) revert PassportConsentExpired(consent.deadline);
        bytes32 digest = consentDigest(consent);
        if (_usedDigests[digest]) revert PassportConsentUsed(digest);
        uint256 tokenId = consent.tokenId;
        address owner = _requireOwned(tokenId);
        uint256 nonce = _passports[tokenId].nonce;
        if (consent.nonce != nonce) revert PassportConsentStale(tokenId, consent.nonce, nonce);
        if (consent.buyer != address(0) && consent.buyer != buyer) revert PassportConsentWrongBuyer(buyer);
        if (!SignatureChecker.isValidSignatureNow(owner, digest, signature)) revert PassportConsentNotOwner(tokenId);
        _usedDigests[digest] = true;
        _moveAs(TransferKind.Resale, buyer, tokenId);
        emit ResaleRecorded(tokenId, msg.sender, consent.termsHash, digest);
    }

    /// @inheritdoc IERC4494
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
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner) revert ERC721IncorrectOwner(msg.sender, tokenId, owner);
        if (_chips[tokenId] == address(0)) revert PassportNoChip(tokenId);
        _chipClaimOpen[tokenId] = open;
        emit ChipClaimOpened(tokenId, open);
    }

    /// @inheritdoc IBrandPassport
    function claimWithChip(uint256 tokenId, address to, uint256 blockNumber, bytes32 nonce, bytes calldata signature)
        external
    {
        _requireOwned(tokenId);
        if (!_chipClaimOpen[tokenId]) revert PassportChipClaimClosed(tokenId);
        if (!verifyChip(tokenId, blockNumber, nonce, signature)) revert PassportChipChallengeInvalid(tokenId);
        bytes32 used = keccak256(abi.encode(_CHIP_TYPEHASH, tokenId, nonce));
        if (_usedDigests[used]) revert PassportChipChallengeUsed(tokenId, nonce);
        _usedDigests[used] = true;
        _chipClaimOpen[tokenId] = false;
        _moveAs(TransferKind.ChipClaim, to, tokenId);
    }

    // ---- recovery ---------------------------------------------------------------------------

    /// @inheritdoc IBrandPassport
    function requestRecovery(uint256 tokenId, address newOwner) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireOwned(tokenId);
        if (!_passports[tokenId].sold) revert PassportNotSold(tokenId);
        if (newOwner == address(0)) revert ERC721InvalidReceiver(newOwner);
        uint64 readyAt = uint64(block.timestamp) + RECOVERY_DELAY;
        _recoveries[tokenId] = Recovery(newOwner, readyAt);
        emit RecoveryRequested(tokenId, newOwner, readyAt, msg.sender);
    }

    /// @inheritdoc IBrandPassport
    function cancelRecovery(uint256 tokenId) external {
        address owner = _requireOwned(tokenId);
        if (_recoveries[tokenId].readyAt == 0) revert PassportNoRecovery(tokenId);
        if (msg.sender != owner && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert ERC721IncorrectOwner(msg.sender, tokenId, owner);
        }
        delete _recoveries[tokenId];
        emit RecoveryCancelled(tokenId, msg.sender);
    }

    /// @inheritdoc IBrandPassport
    function completeRecovery(uint256 tokenId) external {
        Recovery memory r = _recoveries[tokenId];
        if (r.newOwner == address(0)) revert PassportNoRecovery(tokenId);
        if (block.timestamp < r.readyAt) revert PassportRecoveryNotReady(tokenId, r.readyAt);
        delete _recoveries[tokenId];
        _moveAs(TransferKind.Recovery, r.newOwner, tokenId);
    }

    // ---- admin ------------------------------------------------------------------------------

    /// @inheritdoc IBrandPassport
    function setBaseURI(string calldata baseURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _baseTokenURI = baseURI;
        emit BaseURIChanged(baseURI);
    }

    // ---- views ------------------------------------------------------------------------------

    function name() public view override returns (string memory) {
        return _collectionName;
    }

    function symbol() public view override returns (string memory) {
        return _collectionSymbol;
    }

    /// @inheritdoc IBrandPassport
    function passport(uint256 tokenId) external view returns (Passport memory p) {
        address owner = _requireOwned(tokenId);
        p = _passports[tokenId];
        (p.head, p.records) = _latest(_passports[tokenId], owner);
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
            Screening verdict = Screening.Authentic;
            if (owner == address(0)) verdict = Screening.NoSuchPassport;
            else if (_passports[tokenIds[i]].status != Status.Active) {
                verdict = Screening(uint8(_passports[tokenIds[i]].status) + 1);
            } else if (checkSellers && sellers[i] != owner) verdict = Screening.SellerNotOwner;
            verdicts[i] = bytes1(uint8(verdict));
        }
    }

    /// @inheritdoc IBrandPassport
    function heads(uint256[] calldata tokenIds) external view returns (bytes32[] memory head, uint32[] memory records) {
        head = new bytes32[](tokenIds.length);
        records = new uint32[](tokenIds.length);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            address owner = _ownerOf(tokenIds[i]);
            if (owner != address(0)) (head[i], records[i]) = _latest(_passports[tokenIds[i]], owner);
        }
    }

    /// @inheritdoc IERC4494
    function nonces(uint256 tokenId) external view returns (uint256) {
        return _passports[tokenId].nonce;
    }

    /// @inheritdoc IERC4494
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IBrandPassport
    function consentDigest(ResaleConsent calldata c) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _CONSENT_TYPEHASH, c.chainId, c.collection, c.tokenId, c.buyer, c.termsHash, c.nonce, c.deadline
                )
            )
        );
    }

    /// @inheritdoc IBrandPassport
    function isConsentUsed(bytes32 digest) external view returns (bool) {
        return _usedDigests[digest];
    }

    /// @inheritdoc IBrandPassport
    function recoveryOf(uint256 tokenId) external view returns (Recovery memory) {
        return _recoveries[tokenId];
    }

    /// @inheritdoc IBrandPassport
    function chipOf(uint256 tokenId) external view returns (address) {
        return _chips[tokenId];
    }

    /// @inheritdoc IBrandPassport
    function verifyChip(uint256 tokenId, uint256 blockNumber, bytes32 nonce, bytes calldata signature)
        public
        view
        returns (bool)
    {
        address chip = _chips[tokenId];
        if (chip == address(0) || blockNumber >= block.number || block.number - blockNumber > 256) return false;
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(_CHIP_TYPEHASH, tokenId, blockhash(blockNumber), nonce)));
        return SignatureChecker.isValidSignatureNow(chip, digest, signature);
    }

    /// @inheritdoc IBrandPassport
    function batchCommittedAt(bytes32 root) external view returns (uint256) {
        return _batchCommittedAt[root];
    }

    function brandId() external view returns (uint256) {
        return _brandId;
    }

    function registry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc IBrandPassport
    function isBrandCustodian(address account) public view returns (bool) {
        return hasRole(DEFAULT_ADMIN_ROLE, account) || hasRole(MINTER_ROLE, account)
            || hasRole(RETAILER_ROLE, account) || hasRole(SERVICE_ROLE, account);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl) returns (bool) {
        return interfaceId == type(IBrandPassport).interfaceId || interfaceId == type(IERC4494).interfaceId
            || super.supportsInterface(interfaceId);
    }

    // ---- internals --------------------------------------------------------------------------

    /// @dev The one choke point of every mint and transfer. A plain mint stores only the owner
    /// (its record's head is implied, see IBrandPassport); a claim at first sale records itself.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        Passport storage p = _passports[tokenId];
        if (from == address(0)) {
            super._update(to, tokenId, auth);
            if (_pendingKind == uint8(TransferKind.FirstSale) + 1) {
                p.sold = true;
                bytes32 claimed = _append(p, bytes32(0), 0,
                    abi.encode(RecordType.Ownership, from, to, uint8(TransferKind.FirstSale), msg.sender));
                emit OwnershipRecorded(tokenId, from, to, TransferKind.FirstSale, msg.sender, claimed);
            }
            return from;
        }
        if (p.status != Status.Active) revert PassportNotTransferable(tokenId, p.status);
        if (to == address(0)) revert ERC721InvalidReceiver(to);
        TransferKind kind = TransferKind.PrivateTransfer;
        // Only `_moveAs` moves a minted passport without an `auth`; ERC-721 transfers skip the slot.
        if (auth == address(0) && _pendingKind != 0) {
            kind = TransferKind(_pendingKind - 1);
        } else if (p.sold) {
            kind = TransferKind.PrivateTransfer;
        } else if (isBrandCustodian(to)) {
            kind = TransferKind.Custody;
        } else {
            revert PassportFirstSaleByRetailer(tokenId);
        }
        if (kind == TransferKind.FirstSale) p.sold = true;
        else if (!p.sold && kind != TransferKind.Custody) revert PassportNotSold(tokenId);
        p.nonce += 1;
        bytes32 head = _fold(p, from, abi.encode(RecordType.Ownership, from, to, uint8(kind), msg.sender));
        super._update(to, tokenId, auth);
        emit OwnershipRecorded(tokenId, from, to, kind, msg.sender, head);
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }

    /// @dev A transfer on behalf of the owner, by one of the paths the invariants list.
    function _moveAs(TransferKind kind, address to, uint256 tokenId) private {
        if (to == address(0)) revert ERC721InvalidReceiver(to);
        _pendingKind = uint8(kind) + 1;
        _update(to, tokenId, address(0));
        _pendingKind = 0;
    }

    function _mintPassport(address to, bytes32 commitment) private returns (uint256 tokenId) {
        if (commitment == bytes32(0)) revert PassportInvalidCommitment();
        tokenId = uint256(commitment);
        if (_ownerOf(tokenId) != address(0)) revert ERC721InvalidSender(address(0));
        _mint(to, tokenId);
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
        bytes32 head = _fold(p, _ownerOf(tokenId), abi.encode(RecordType.Status, uint8(status), msg.sender));
        emit StatusChanged(tokenId, previous, status, msg.sender, head);
    }

    /// @dev Fold `record` into the head of a passport owned by `owner`.
    function _fold(Passport storage p, address owner, bytes memory record) private returns (bytes32) {
        (bytes32 head, uint32 records) = _latest(p, owner);
        return _append(p, head, records, record);
    }

    function _append(Passport storage p, bytes32 head, uint32 records, bytes memory record)
        private
        returns (bytes32 next)
    {
        next = keccak256(abi.encodePacked(head, record));
        p.head = next;
        p.records = records + 1;
    }

    /// @dev The head and record count, with a plain mint's implied record resolved: while it is
    /// a passport's only record, its owner is the one it was minted to.
    function _latest(Passport storage p, address owner) private view returns (bytes32 head, uint32 records) {
        head = p.head;
        if (head != bytes32(0)) return (head, p.records);
        head = keccak256(
            abi.encodePacked(
                bytes32(0),
                abi.encode(RecordType.Ownership, address(0), owner, uint8(TransferKind.Mint), address(0))
            )
        );
        return (head, 1);
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
        if (IConsortiumRegistry(_registry).brandStatus(_brandId) != IConsortiumRegistry.BrandStatus.Active) {
            revert PassportBrandNotActive(_brandId);
        }
    }

    function _requireCustodian(address account) private view {
        if (!isBrandCustodian(account)) revert PassportNotBrandCustodian(account);
    }
}
