// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4494} from "./IERC4494.sol";

/// @title A brand's passport collection: one ERC-721 token per physical product.
/// @notice The token id of a passport is its commitment: a salted hash of the product's
/// private record, so that neither ids nor anything else on chain reveal a serial number,
/// a model, a price, a customer, or the order in which products were made.
///
/// Every passport carries a history head folded over every ownership change, lifecycle event
/// and status change in order, starting from bytes32(0):
/// `head = keccak256(abi.encodePacked(head, abi.encode(<record>)))`, the records being
/// - ownership: `(RecordType.Ownership, from, to, uint8(TransferKind), agent)`
/// - lifecycle: `(RecordType.Lifecycle, uint8(EventKind), detailsHash, by)`
/// - status:    `(RecordType.Status, uint8(Status), by)`
/// A plain mint's record is `(Ownership, address(0), to, Mint, address(0))`: who minted is the
/// transaction's sender, a MINTER_ROLE holder, and not part of the record. So that a mint stores
/// nothing but the token's owner, that record is logged only by ERC-721's Transfer event and its
/// head is implied until the passport's next record; `passport` and `heads` report it. Every
/// other record's event (OwnershipRecorded, LifecycleRecorded, StatusChanged) carries the head
/// after it, so anyone can re-derive the head from the logs.
interface IBrandPassport is IERC4494 {
    enum Status {
        Active,
        Lost,
        Stolen,
        Destroyed
    }

    enum EventKind {
        Manufactured,
        QualityChecked,
        Shipped,
        ReceivedInStore,
        Sold,
        Serviced,
        Repaired,
        BrandDefined
    }

    enum TransferKind {
        Mint,
        Custody,
        FirstSale,
        PrivateTransfer,
        Resale,
        Recovery,
        ChipClaim
    }

    /// @notice Verdict codes of `screen`, one byte per listing.
    enum Screening {
        Authentic,
        NoSuchPassport,
        Lost,
        Stolen,
        Destroyed,
        SellerNotOwner,
        RecoveryPending
    }

    /// @notice A seller's consent to a resale through an accredited reseller, signed as EIP-712
    /// typed data in this collection's domain (`eip712Domain()`). `reseller` is the accredited
    /// reseller the seller chose, the only account that may submit it (0 explicitly means any
    /// accredited reseller). `buyer` 0 means any buyer.
    /// `nonce` is `nonces(tokenId)`, which advances on every transfer, so a consent dies when the
    /// passport moves. `chainId` and `collection` repeat the domain so that a replay elsewhere is
    /// refused by name.
    struct ResaleConsent {
        uint256 chainId;
        address collection;
        uint256 tokenId;
        address reseller;
        address buyer;
        bytes32 termsHash;
        uint256 nonce;
        uint256 deadline;
    }

    struct Recovery {
        address newOwner;
        uint64 readyAt;
    }

    enum RecordType {
        Ownership,
        Lifecycle,
        Status
    }

    /// @dev `status`, `sold`, `nonce`, `records`, `statusReporter` and `chipClaimOpen` share one
    /// slot, the one every move writes. `nonce` advances on every transfer (ERC-4494), on every
    /// lost or stolen report, on a chip rebind and on `revokeSignatures`; everything signed at an
    /// earlier nonce is dead. `records` counts the records folded into `head`. `chipClaimOpen`
    /// closes on every move and every rebind.
    struct Passport {
        Status status;
        bool sold;
        uint32 nonce;
        uint32 records;
        address statusReporter;
        bool chipClaimOpen;
        bytes32 head;
    }

    event OwnershipRecorded(
        uint256 indexed tokenId, address indexed from, address indexed to, TransferKind kind, address agent, bytes32 head
    );
    event LifecycleRecorded(
        uint256 indexed tokenId, EventKind indexed kind, bytes32 detailsHash, address indexed by, bytes32 head
    );
    event StatusChanged(uint256 indexed tokenId, Status previous, Status current, address indexed by, bytes32 head);
    event BaseURIChanged(string baseURI);
    event ResaleRecorded(uint256 indexed tokenId, address indexed reseller, bytes32 termsHash, bytes32 consentDigest);
    event PermitUsed(uint256 indexed tokenId, address indexed spender, bytes32 digest);
    event RecoveryRequested(uint256 indexed tokenId, address indexed newOwner, uint64 readyAt, address indexed by);
    event RecoveryCancelled(uint256 indexed tokenId, address indexed by);
    event ChipBound(uint256 indexed tokenId, address indexed chip, address indexed by);
    event ChipClaimOpened(uint256 indexed tokenId, bool open);
    event BatchCommitted(bytes32 indexed root, address indexed by);
    /// @notice The owner ended every consent, permit, approval and pending request of the passport.
    event SignaturesRevoked(uint256 indexed tokenId, uint256 nonce);

    error PassportInvalidCommitment();
    error PassportNotTransferable(uint256 tokenId, Status status);
    error PassportBrandNotActive(uint256 brandId);
    error PassportAlreadySold(uint256 tokenId);
    error PassportNotInBrandCustody(uint256 tokenId, address owner);
    error PassportNotBrandCustodian(address account);
    error PassportFirstSaleByRetailer(uint256 tokenId);
    error PassportInvalidStatusChange(uint256 tokenId, Status current, Status requested);
    error PassportNotStatusReporter(uint256 tokenId, address account);
    error PassportMissingRole(address account, EventKind kind);
    error PassportEmptyBatch();
    error PassportAlreadyInitialized();
    error PassportResellerNotAccredited(address reseller);
    error PassportConsentWrongChain(uint256 chainId);
    error PassportConsentWrongCollection(address collection);
    error PassportConsentExpired(uint256 deadline);
    error PassportConsentUsed(bytes32 digest);
    error PassportConsentStale(uint256 tokenId, uint256 nonce, uint256 currentNonce);
    error PassportConsentWrongBuyer(address buyer);
    error PassportConsentNotOwner(uint256 tokenId);
    error PassportPermitExpired(uint256 deadline);
    error PassportPermitUsed(bytes32 digest);
    error PassportPermitNotOwner(uint256 tokenId);
    error PassportNotSold(uint256 tokenId);
    error PassportNoRecovery(uint256 tokenId);
    error PassportRecoveryNotReady(uint256 tokenId, uint64 readyAt);
    error PassportRequestExpired(uint256 deadline);
    error PassportNoChip(uint256 tokenId);
    error PassportChipClaimClosed(uint256 tokenId);
    error PassportChipChallengeInvalid(uint256 tokenId);
    error PassportChipChallengeUsed(uint256 tokenId, bytes32 nonce);
    error PassportUnknownBatch(bytes32 root);
    error PassportBatchAlreadyCommitted(bytes32 root);
    error PassportLengthMismatch(uint256 tokenIds, uint256 sellers);
    error PassportInvalidProof(bytes32 root, bytes32 commitment);
    /// @notice Thrown when a passport would move to the account that owns it.
    error PassportSelfTransfer(uint256 tokenId);
    /// @notice Thrown by `completeRecovery` when the request was made before the passport last
    /// moved (or before its owner revoked signatures): it died with that ownership.
    error PassportRecoveryStale(uint256 tokenId);
    /// @notice Thrown by `requestRecovery` while a request of the current ownership is pending.
    error PassportRecoveryPending(uint256 tokenId);
    /// @notice Thrown by `requestRecovery` within RECOVERY_COOLDOWN of the owner cancelling one.
    /// @param until The first second a new request is accepted.
    error PassportRecoveryCoolingDown(uint256 tokenId, uint64 until);
    /// @notice Thrown by `requestRecovery` when the new owner holds a role of the brand.
    error PassportRecoveryToBrand(address newOwner);
    /// @notice Thrown by `bindChip` on a sold passport: a rebind needs the owner's `ChipRebind`.
    error PassportRebindNeedsOwner(uint256 tokenId);
    /// @notice Thrown by `rebindChip` when the signature is not the owner's, at the current nonce.
    error PassportRebindNotOwner(uint256 tokenId);
    /// @notice Thrown by `claimWithChip` after the chip challenge's deadline.
    error PassportChipChallengeExpired(uint256 deadline);
    /// @notice Thrown by `clearReportFor` when the request names another report than the current one.
    /// @param reportNonce The nonce the request names; @param currentNonce the current report's.
    error PassportClearRequestStale(uint256 tokenId, uint256 reportNonce, uint256 currentNonce);
    /// @notice Thrown by `resell` when the consent names another reseller than the sender.
    error PassportConsentWrongReseller(address reseller);
    /// @notice Thrown by `commitBatch` when the batch root is zero.
    error PassportInvalidBatchRoot();
    /// @notice Thrown by `bindChip` and `rebindChip` when the chip address is zero.
    /// @param chip The chip address given.
    error PassportInvalidChip(address chip);
    /// @notice Thrown by `clearReportFor` when the clear request was already used.
    /// @param digest The request's EIP-712 digest.
    error PassportClearRequestUsed(bytes32 digest);
    /// @notice Thrown by `clearReportFor` when the request is not signed by the owner who made the report.
    error PassportClearRequestNotReporter(uint256 tokenId);

    /// @notice Set once by the registry, right after it cloned this collection.
    function initialize(uint256 brandId, string calldata name, string calldata symbol, address admin) external;

    /// @notice Mint the passport of one product to `to`, a brand custody account, as its
    /// first owner. Needs MINTER_ROLE and an active brand. Returns the token id, `uint256(commitment)`.
    function mint(address to, bytes32 commitment) external returns (uint256 tokenId);

    /// @notice Mint many passports to `to` in one transaction, with the same rules as `mint`.
    function mintBatch(address to, bytes32[] calldata commitments) external;

    /// @notice Record one lifecycle event with a hash of its off-chain details. Manufactured,
    /// QualityChecked and Shipped need MINTER_ROLE; ReceivedInStore and Sold need RETAILER_ROLE;
    /// Serviced and Repaired need SERVICE_ROLE; BrandDefined needs any of the three.
    function recordEvent(uint256 tokenId, EventKind kind, bytes32 detailsHash) external;

    /// @notice The first sale: a retailer of the brand moves a passport out of brand custody
    /// (its owner holds a brand role) to its first customer.
    function firstSale(uint256 tokenId, address buyer) external;

    /// @notice The owner reports the passport `Lost` or `Stolen`; it cannot move until found.
    function reportStatus(uint256 tokenId, Status status) external;

    /// @notice The owner who reported the passport lost or stolen reports it found.
    function reportFound(uint256 tokenId) external;

    /// @notice Mark a product destroyed; final. The owner may, and the brand's admin while the
    /// passport is still in brand custody.
    function markDestroyed(uint256 tokenId) external;

    function setBaseURI(string calldata baseURI) external;

    /// @notice An accredited reseller records a resale with the seller's signed consent. The
    /// signature is checked with SignatureChecker, so contract wallets (ERC-1271) can consent.
    function resell(ResaleConsent calldata consent, address buyer, bytes calldata signature) external;

    function isConsentUsed(bytes32 digest) external view returns (bool);
    function consentDigest(ResaleConsent calldata consent) external view returns (bytes32);

    /// @notice The admin of an active brand, on the request of an owner who lost their wallet,
    /// starts moving a sold passport (also a lost or stolen one) to `newOwner`, an account with no
    /// role of the brand; it completes after `RECOVERY_DELAY` unless the owner cancels it first.
    /// @dev Refused while a request of this ownership is pending (PassportRecoveryPending) and
    /// within RECOVERY_COOLDOWN of the owner's cancel (PassportRecoveryCoolingDown). Emits
    /// {RecoveryRequested}.
    function requestRecovery(uint256 tokenId, address newOwner) external;
    /// @notice The owner (or the brand admin) cancels the pending recovery; an owner's cancel
    /// holds off new requests for RECOVERY_COOLDOWN. Emits {RecoveryCancelled}.
    function cancelRecovery(uint256 tokenId) external;
    /// @notice Anyone completes a recovery whose delay has passed, while the brand is active and
    /// the passport has not moved since the request. Emits {OwnershipRecorded}.
    function completeRecovery(uint256 tokenId) external;
    /// @notice The pending recovery of the current ownership (zeros when none).
    function recoveryOf(uint256 tokenId) external view returns (Recovery memory);
    /// @notice The end of the cool-down after the current owner cancelled a recovery (0 when none).
    function recoveryHeldUntil(uint256 tokenId) external view returns (uint64);

    /// @notice The brand clears a lost or stolen report on the reporting owner's request: their
    /// signature of `ClearReport(uint256 tokenId,uint256 reportNonce,uint256 deadline)`, where
    /// `reportNonce` is `nonces(tokenId)` after the report, so that a request names its report.
    function clearReportFor(uint256 tokenId, uint256 reportNonce, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Bind the product's chip (its public address) to a passport not yet sold;
    /// MINTER_ROLE or SERVICE_ROLE of an active brand. Closes the chip claim. Emits {ChipBound}.
    function bindChip(uint256 tokenId, address chip) external;
    /// @notice Rebind the chip of a sold passport (e.g. a service centre replacing a damaged
    /// chip) with the owner's signature of
    /// `ChipRebind(uint256 tokenId,address chip,uint256 nonce,uint256 deadline)` at the current
    /// nonce; MINTER_ROLE or SERVICE_ROLE. Advances the nonce and closes the chip claim.
    /// Emits {ChipBound}.
    function rebindChip(uint256 tokenId, address chip, uint256 deadline, bytes calldata signature) external;
    function chipOf(uint256 tokenId) external view returns (address);

    /// @notice True when the bound chip signed
    /// `ChipChallenge(uint256 tokenId,address to,uint256 deadline,bytes32 blockHash,bytes32 nonce)`
    /// with `blockHash = blockhash(blockNumber)` of one of the last 256 blocks, before `deadline`.
    /// A check of authenticity only (no claim) uses `to` = address(0).
    function verifyChip(
        uint256 tokenId,
        address to,
        uint256 deadline,
        uint256 blockNumber,
        bytes32 nonce,
        bytes calldata signature
    ) external view returns (bool);

    /// @notice The owner allows (or forbids) a holder of the item to claim the passport with the
    /// chip. The permission closes on every move and rebind. Emits {ChipClaimOpened}.
    function setChipClaim(uint256 tokenId, bool open) external;
    /// @notice Whether the current owner opened a chip claim.
    function chipClaimOpen(uint256 tokenId) external view returns (bool);

    /// @notice Move the passport to `to` with a fresh chip signature naming `to` and `deadline`,
    /// if the current owner opened a claim.
    function claimWithChip(
        uint256 tokenId,
        address to,
        uint256 deadline,
        uint256 blockNumber,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice The owner ends every consent, permit, rebind request, approval and pending
    /// recovery of the passport without moving it, by advancing its nonce. Emits {SignaturesRevoked}.
    function revokeSignatures(uint256 tokenId) external;

    /// @notice Commit a production batch: the Merkle root of its products' commitments (leaves
    /// `keccak256(bytes.concat(keccak256(abi.encode(commitment))))`, sorted pairs). MINTER_ROLE.
    function commitBatch(bytes32 root) external;

    /// @notice At the first sale, a retailer claims the passport of a committed product for its buyer.
    function claim(bytes32 root, bytes32 commitment, bytes32[] calldata proof, address buyer)
        external
        returns (uint256 tokenId);

    function batchCommittedAt(bytes32 root) external view returns (uint256);

    /// @notice One verdict byte (`Screening`) per listing: does the passport exist, its status,
    /// whether `sellers[i]` owns it (skipped when `sellers` is empty), and whether a recovery is
    /// pending (the passport would move away from whoever buys it).
    function screen(uint256[] calldata tokenIds, address[] calldata sellers) external view returns (bytes memory);

    function passport(uint256 tokenId) external view returns (Passport memory);
    /// @notice The passport with this commitment; reverts with ERC721NonexistentToken if none.
    function passportOf(bytes32 commitment) external view returns (uint256 tokenId);
    /// @notice For each id: whether it exists, its owner and status, in one call.
    function passportsState(uint256[] calldata tokenIds)
        external
        view
        returns (bool[] memory exists, address[] memory owners, Status[] memory statuses);
    /// @notice Each passport's history head and record count (0 and 0 for none), in one call.
    function heads(uint256[] calldata tokenIds) external view returns (bytes32[] memory head, uint32[] memory records);

    function brandId() external view returns (uint256);
    function registry() external view returns (address);
    function isBrandCustodian(address account) external view returns (bool);
}
