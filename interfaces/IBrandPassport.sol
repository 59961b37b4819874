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
/// head is implied until the passport's next record; `passport` and `heads` report it. A claim
/// at first sale is a mint too, its record `(Ownership, address(0), buyer, FirstSale, address(0))`
/// and implied the same way (the passport's `sold` tells the two apart): its OwnershipRecorded
/// event names the retailer as `agent`, but the record does not. Every other record's event
/// (OwnershipRecorded, LifecycleRecorded, StatusChanged) carries the head after it, so anyone
/// can re-derive the head from the logs. contracts/libraries/PassportRecords.sol holds the
/// encodings and the fold.
interface IBrandPassport is IERC4494 {
    /// @notice A passport's status. Only an Active passport moves (a recovery also moves a Lost
    /// or Stolen one); Destroyed is final.
    enum Status {
        Active,
        Lost,
        Stolen,
        Destroyed
    }

    /// @notice The lifecycle events a brand records; each needs the role `recordEvent` names.
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

    /// @notice How a passport moved: minted, between brand custodians, at its first sale, by
    /// its owner (or an approved account), by a resale with consent, by a recovery, or by a
    /// chip claim.
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

    /// @notice A pending recovery: the passport moves to `newOwner` from `readyAt` on.
    struct Recovery {
        address newOwner;
        uint64 readyAt;
    }

    /// @notice The first field of every record folded into a passport's head.
    enum RecordType {
        Ownership,
        Lifecycle,
        Status
    }

    /// @notice A passport's state; `passport(tokenId)` returns it.
    /// @dev `owner` (the ERC-721 owner: the collection keeps it here, not in a slot of its own),
    /// `status`, `sold`, `nonce`, `records` and `recoveryRequested` share one slot, the one every
    /// move writes and `screen` reads. A Lost or Stolen report is its owner's: only the owner
    /// reports, a reported passport moves only by a recovery, which hands the report to the new
    /// owner, so the status reporter is always `owner`. `recoveryRequested` is set by
    /// `requestRecovery` and cleared by `cancelRecovery` and `completeRecovery`; a request it
    /// marks may have gone stale since (the nonce moved), which `recoveryOf` tells. `nonce`
    /// advances on every transfer (ERC-4494), on every lost or stolen
    /// report, on a chip rebind and on `revokeSignatures`; everything signed at an earlier nonce
    /// is dead, and a chip claim is open only at the nonce its owner opened it at (carried over a
    /// report and `revokeSignatures`), so it closes on every move and every rebind
    /// (`chipClaimOpen`). `records` counts the records folded into `head`.
    struct Passport {
        address owner;
        Status status;
        bool sold;
        uint32 nonce;
        uint32 records;
        bool recoveryRequested;
        bytes32 head;
    }

    /// @notice Emitted when a minted passport moves, and when a claim at first sale mints one
    /// (a plain mint is logged by ERC-721's {Transfer} only).
    /// @param tokenId The passport.
    /// @param from The owner before the move (address(0) for a claim).
    /// @param to The owner after the move.
    /// @param kind How it moved.
    /// @param agent The account that sent the move.
    /// @param head The passport's history head after this record.
    event OwnershipRecorded(
        uint256 indexed tokenId, address indexed from, address indexed to, TransferKind kind, address agent, bytes32 head
    );
    /// @notice Emitted when a brand records a lifecycle event.
    /// @param tokenId The passport.
    /// @param kind The event.
    /// @param detailsHash The hash of the event's off-chain details.
    /// @param by The account that recorded it.
    /// @param head The passport's history head after this record.
    event LifecycleRecorded(
        uint256 indexed tokenId, EventKind indexed kind, bytes32 detailsHash, address indexed by, bytes32 head
    );
    /// @notice Emitted when a passport's status changes (a report, found, cleared, destroyed).
    /// @param tokenId The passport.
    /// @param previous The status before.
    /// @param current The status after.
    /// @param by The account that changed it (the brand admin for a cleared report).
    /// @param head The passport's history head after this record.
    event StatusChanged(uint256 indexed tokenId, Status previous, Status current, address indexed by, bytes32 head);
    /// @notice Emitted when the brand admin sets the base of the token URIs.
    /// @param baseURI The new base.
    event BaseURIChanged(string baseURI);
    /// @notice Emitted by `resell`, after the passport moved to the buyer.
    /// @param tokenId The passport.
    /// @param reseller The accredited reseller that submitted the consent.
    /// @param termsHash The commitment to the sale's terms that the consent names.
    /// @param consentDigest The consent's EIP-712 digest, now used.
    event ResaleRecorded(uint256 indexed tokenId, address indexed reseller, bytes32 termsHash, bytes32 consentDigest);
    /// @notice Emitted by `permit` when it approves `spender`.
    /// @param tokenId The passport.
    /// @param spender The account approved.
    /// @param digest The permit's EIP-712 digest, now used.
    event PermitUsed(uint256 indexed tokenId, address indexed spender, bytes32 digest);
    /// @notice Emitted when the brand admin requests a recovery.
    /// @param tokenId The passport.
    /// @param newOwner The account the passport will move to.
    /// @param readyAt The first second `completeRecovery` moves it.
    /// @param by The brand admin that requested it.
    event RecoveryRequested(uint256 indexed tokenId, address indexed newOwner, uint64 readyAt, address indexed by);
    /// @notice Emitted when the owner or the brand admin cancels the pending recovery.
    /// @param tokenId The passport.
    /// @param by The account that cancelled it.
    event RecoveryCancelled(uint256 indexed tokenId, address indexed by);
    /// @notice Emitted when the registry, on a vote of the other members, allows recovery requests
    /// for `owner`'s passports despite her cancels (or her being a contract), until she cancels again.
    /// @param owner The owner.
    event RecoveryAllowed(address indexed owner);
    /// @notice Emitted when the registry tells the collection that its brand became active
    /// (admitted or reinstated) or stopped being so (suspended or removed).
    /// @param active Whether the brand is active in the registry.
    event BrandActivityChanged(bool active);
    /// @notice Emitted when a chip is bound (or rebound) to a passport.
    /// @param tokenId The passport.
    /// @param chip The chip's address.
    /// @param by The brand account that bound it.
    event ChipBound(uint256 indexed tokenId, address indexed chip, address indexed by);
    /// @notice Emitted when the owner opens or closes the chip claim.
    /// @param tokenId The passport.
    /// @param open Whether a chip claim is now open.
    event ChipClaimOpened(uint256 indexed tokenId, bool open);
    /// @notice Emitted when a production batch's Merkle root is committed.
    /// @param root The batch root.
    /// @param by The minter that committed it.
    event BatchCommitted(bytes32 indexed root, address indexed by);
    /// @notice Emitted when the owner ended every consent, permit, rebind and clear request, the
    /// token approval and the pending recovery of the passport.
    /// @param tokenId The passport.
    /// @param nonce The passport's nonce now.
    event SignaturesRevoked(uint256 indexed tokenId, uint256 nonce);

    /// @notice Thrown when a commitment to mint or claim is zero.
    error PassportInvalidCommitment();
    /// @notice Thrown when a passport whose status forbids it would move, or be approved by
    /// permit, or be recovered (a destroyed one).
    /// @param tokenId The passport.
    /// @param status Its status.
    error PassportNotTransferable(uint256 tokenId, Status status);
    /// @notice Thrown when the registry does not list the brand as active and the function
    /// needs it (brand records, chip bindings, recoveries).
    /// @param brandId This collection's brand.
    error PassportBrandNotActive(uint256 brandId);
    /// @notice Thrown by `firstSale` when the passport was sold before.
    /// @param tokenId The passport.
    error PassportAlreadySold(uint256 tokenId);
    /// @notice Thrown by `firstSale` when the passport's owner holds no role of the brand.
    /// @param tokenId The passport.
    /// @param owner Its owner.
    error PassportNotInBrandCustody(uint256 tokenId, address owner);
    /// @notice Thrown by `mint` and `mintBatch` when the recipient holds no role of the brand.
    /// @param account The recipient.
    error PassportNotBrandCustodian(address account);
    /// @notice Thrown when an ERC-721 transfer would move an unsold passport out of brand
    /// custody: a passport leaves it only by `firstSale` (or `claim`).
    /// @param tokenId The passport.
    error PassportFirstSaleByRetailer(uint256 tokenId);
    /// @notice Thrown when the passport's status cannot change from `current` to `requested`.
    /// @param tokenId The passport.
    /// @param current Its status.
    /// @param requested The status asked for.
    error PassportInvalidStatusChange(uint256 tokenId, Status current, Status requested);
    /// @notice Thrown by `reportFound` when the sender is not the owner who reported the passport.
    /// @param tokenId The passport.
    /// @param account The sender.
    error PassportNotStatusReporter(uint256 tokenId, address account);
    /// @notice Thrown by `recordEvent` when the sender lacks the role the event needs.
    /// @param account The sender.
    /// @param kind The event.
    error PassportMissingRole(address account, EventKind kind);
    /// @notice Thrown by `mintBatch` when no commitment is given.
    error PassportEmptyBatch();
    /// @notice Thrown by `initialize` on a collection already set up, and on the implementation.
    error PassportAlreadyInitialized();
    /// @notice Thrown by `resell` when the sender is not an accredited reseller.
    /// @param reseller The sender.
    error PassportResellerNotAccredited(address reseller);
    /// @notice Thrown by `resell` when the consent names another chain.
    /// @param chainId The chain the consent names.
    error PassportConsentWrongChain(uint256 chainId);
    /// @notice Thrown by `resell` when the consent names another collection.
    /// @param collection The collection the consent names.
    error PassportConsentWrongCollection(address collection);
    /// @notice Thrown by `resell` after the consent's deadline.
    /// @param deadline The consent's deadline.
    error PassportConsentExpired(uint256 deadline);
    /// @notice Thrown by `resell` when the consent was signed at another nonce: the passport
    /// moved (a used consent's own resale moved it), or its owner reported it, had its chip
    /// rebound or revoked signatures, since.
    /// @param tokenId The passport.
    /// @param nonce The nonce the consent names.
    /// @param currentNonce The passport's nonce.
    error PassportConsentStale(uint256 tokenId, uint256 nonce, uint256 currentNonce);
    /// @notice Thrown by `resell` when the consent names another buyer.
    /// @param buyer The buyer given.
    error PassportConsentWrongBuyer(address buyer);
    /// @notice Thrown by `resell` when the consent is not signed by the passport's owner.
    /// @param tokenId The passport.
    error PassportConsentNotOwner(uint256 tokenId);
    /// @notice Thrown by `permit` after the permit's deadline.
    /// @param deadline The permit's deadline.
    error PassportPermitExpired(uint256 deadline);
    /// @notice Thrown by `permit` when the permit was already used.
    /// @param digest The permit's EIP-712 digest.
    error PassportPermitUsed(bytes32 digest);
    /// @notice Thrown by `permit` when the permit is not signed by the owner at the current nonce.
    /// @param tokenId The passport.
    error PassportPermitNotOwner(uint256 tokenId);
    /// @notice Thrown when a move or a recovery request that needs a sold passport meets one
    /// still in brand custody (a resale, a recovery, a chip claim).
    /// @param tokenId The passport.
    error PassportNotSold(uint256 tokenId);
    /// @notice Thrown by `cancelRecovery` and `completeRecovery` when no recovery is pending.
    /// @param tokenId The passport.
    error PassportNoRecovery(uint256 tokenId);
    /// @notice Thrown by `completeRecovery` before the request's RECOVERY_DELAY has passed.
    /// @param tokenId The passport.
    /// @param readyAt The first second the recovery completes.
    error PassportRecoveryNotReady(uint256 tokenId, uint64 readyAt);
    /// @notice Thrown by `rebindChip` and `clearReportFor` after the signed request's deadline.
    /// @param deadline The request's deadline.
    error PassportRequestExpired(uint256 deadline);
    /// @notice Thrown by `setChipClaim` when no chip is bound to the passport.
    /// @param tokenId The passport.
    error PassportNoChip(uint256 tokenId);
    /// @notice Thrown by `claimWithChip` when the owner has not opened a chip claim.
    /// @param tokenId The passport.
    error PassportChipClaimClosed(uint256 tokenId);
    /// @notice Thrown by `claimWithChip` when `verifyChip` is false: not the bound chip's
    /// signature of this recipient, deadline and nonce, or its block is not one of the last 256, or
    /// it is older than the block before the one that opened the claim (an answer from before it).
    /// @param tokenId The passport.
    error PassportChipChallengeInvalid(uint256 tokenId);
    /// @notice Thrown by `claimWithChip` when the chip's answer to this nonce was already used.
    /// @param tokenId The passport.
    /// @param nonce The challenge's nonce.
    error PassportChipChallengeUsed(uint256 tokenId, bytes32 nonce);
    /// @notice Thrown by `claim` when the batch root is not committed in this collection.
    /// @param root The batch root.
    error PassportUnknownBatch(bytes32 root);
    /// @notice Thrown by `commitBatch` when the root is committed already.
    /// @param root The batch root.
    error PassportBatchAlreadyCommitted(bytes32 root);
    /// @notice Thrown by `screen` when `sellers` is neither empty nor one per passport.
    /// @param tokenIds The number of passports.
    /// @param sellers The number of sellers.
    error PassportLengthMismatch(uint256 tokenIds, uint256 sellers);
    /// @notice Thrown by `claim` when the proof does not lead from the commitment to the root.
    /// @param root The batch root.
    /// @param commitment The product's commitment.
    error PassportInvalidProof(bytes32 root, bytes32 commitment);
    /// @notice Thrown when a passport would move, or be recovered, to the account that owns it.
    /// @param tokenId The passport.
    error PassportSelfTransfer(uint256 tokenId);
    /// @notice Thrown by `completeRecovery` when the request was made before the passport last
    /// moved (or before its owner revoked signatures): it died with that ownership.
    /// @param tokenId The passport.
    error PassportRecoveryStale(uint256 tokenId);
    /// @notice Thrown by `requestRecovery` while a request of the current ownership is pending.
    /// @param tokenId The passport.
    error PassportRecoveryPending(uint256 tokenId);
    /// @notice Thrown by `requestRecovery` after the current owner cancelled a request for the
    /// passport (her cancel holds for as long as she owns it), unless a vote of the other members
    /// allowed requests for her since.
    /// @param tokenId The passport.
    /// @param owner The owner who cancelled.
    error PassportRecoveryRefusedByOwner(uint256 tokenId, address owner);
    /// @notice Thrown by `requestRecovery` when the owner is a contract (a Safe, a vault), which
    /// has its own way to change keys and may not answer within RECOVERY_DELAY, unless a vote of the
    /// other members allowed requests for it.
    /// @param tokenId The passport.
    /// @param owner The contract that owns it.
    error PassportRecoveryOfContractOwner(uint256 tokenId, address owner);
    /// @notice Thrown by `requestRecovery`, and by `completeRecovery`, when the new owner holds a
    /// role of the brand (a role granted after the request included).
    /// @param newOwner The new owner named.
    error PassportRecoveryToBrand(address newOwner);
    /// @notice Thrown by `bindChip` on a sold passport: a rebind needs the owner's `ChipRebind`.
    /// @param tokenId The passport.
    error PassportRebindNeedsOwner(uint256 tokenId);
    /// @notice Thrown by `rebindChip` when the signature is not the owner's, at the current nonce.
    /// @param tokenId The passport.
    error PassportRebindNotOwner(uint256 tokenId);
    /// @notice Thrown by `claimWithChip` after the chip challenge's deadline.
    /// @param deadline The challenge's deadline.
    error PassportChipChallengeExpired(uint256 deadline);
    /// @notice Thrown by `clearReportFor` when the request names another report than the current one.
    /// @param tokenId The passport.
    /// @param reportNonce The nonce the request names.
    /// @param currentNonce The passport's nonce, the current report's.
    error PassportClearRequestStale(uint256 tokenId, uint256 reportNonce, uint256 currentNonce);
    /// @notice Thrown by `resell` when the consent names another reseller than the sender.
    /// @param reseller The sender.
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
    /// @param tokenId The passport.
    error PassportClearRequestNotReporter(uint256 tokenId);

    /// @notice Set up a collection the registry just cloned: its brand, name and symbol, and
    /// the brand council as its admin. The sender becomes the collection's registry.
    /// @dev Requirements:
    ///
    /// - the collection is not set up yet (PassportAlreadyInitialized); the implementation
    ///   itself never is.
    ///
    /// Emits a {RoleGranted} event.
    /// @param brandId The brand's id in the registry.
    /// @param name The collection's ERC-721 name.
    /// @param symbol The collection's ERC-721 symbol.
    /// @param admin The brand's council, granted DEFAULT_ADMIN_ROLE.
    function initialize(uint256 brandId, string calldata name, string calldata symbol, address admin) external;

    /// @notice Thrown when a call only the registry makes comes from `caller`.
    error PassportNotRegistry(address caller);
    /// @notice Thrown by `grantRole`, `revokeRole` and `renounceRole` for DEFAULT_ADMIN_ROLE: the
    /// brand's council alone holds it, and the registry moves it with the council.
    error PassportAdminRoleMovedByRegistry();

    /// @notice The registry moves the admin role from the brand's old council to its new one
    /// (a rotation or a replacement), and the old council key loses every role it holds here
    /// (MINTER, RETAILER, SERVICE: those it granted itself), so that a key that lost its seat
    /// neither mints, nor sells, nor writes service records. Roles it granted to other keys are
    /// the brand's staff and stay: a routine rotation must not stop every boutique; after a theft
    /// the new council revokes the grants whose {RoleGranted} names the old key as sender.
    /// @dev Requirements: the caller is the registry. Emits {RoleRevoked} for each role the old
    /// key held and {RoleGranted}.
    /// @param previous The council that loses DEFAULT_ADMIN_ROLE.
    /// @param current The council that gains it.
    function replaceAdmin(address previous, address current) external;

    /// @notice Mint the passport of one product to `to`, a brand custody account, as its first owner.
    /// @dev Requirements:
    ///
    /// - the caller holds MINTER_ROLE (AccessControlUnauthorizedAccount);
    /// - the brand is active (PassportBrandNotActive);
    /// - `to` holds a role of the brand (PassportNotBrandCustodian);
    /// - `commitment` is not zero (PassportInvalidCommitment) and not minted yet (ERC721InvalidSender).
    ///
    /// Emits a {Transfer} event; the mint's record is implied (see above).
    /// @param to The brand custodian that receives the passport.
    /// @param commitment The salted hash of the product's private record.
    /// @return tokenId The passport's id, `uint256(commitment)`.
    function mint(address to, bytes32 commitment) external returns (uint256 tokenId);

    /// @notice Mint many passports to `to` in one transaction, with the same rules as `mint`.
    /// @dev Requirements: those of `mint` for every commitment, and at least one commitment
    /// (PassportEmptyBatch).
    ///
    /// Emits a {Transfer} event per passport.
    /// @param to The brand custodian that receives the passports.
    /// @param commitments The products' commitments.
    function mintBatch(address to, bytes32[] calldata commitments) external;

    /// @notice Record one lifecycle event of a passport with a hash of its off-chain details.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken);
    /// - the caller holds the role of the event (PassportMissingRole): MINTER_ROLE for
    ///   Manufactured, QualityChecked and Shipped; RETAILER_ROLE for ReceivedInStore and Sold;
    ///   SERVICE_ROLE for Serviced and Repaired; any of the three for BrandDefined;
    /// - the brand is active (PassportBrandNotActive).
    ///
    /// Emits a {LifecycleRecorded} event.
    /// @param tokenId The passport.
    /// @param kind The event.
    /// @param detailsHash The hash of the event's off-chain details.
    function recordEvent(uint256 tokenId, EventKind kind, bytes32 detailsHash) external;

    /// @notice The first sale: a retailer of the brand moves a passport out of brand custody to
    /// its first customer.
    /// @dev Requirements:
    ///
    /// - the caller holds RETAILER_ROLE (AccessControlUnauthorizedAccount);
    /// - the passport exists (ERC721NonexistentToken) and the brand is active (PassportBrandNotActive);
    /// - the passport was not sold before (PassportAlreadySold) and its owner holds a role of
    ///   the brand (PassportNotInBrandCustody);
    /// - `buyer` is not zero (ERC721InvalidReceiver) and not the owner (PassportSelfTransfer);
    /// - the passport is Active (PassportNotTransferable);
    /// - a contract `buyer` accepts it with `onERC721Received` (ERC721InvalidReceiver).
    ///
    /// Emits a {Transfer} and an {OwnershipRecorded} event (FirstSale).
    /// @param tokenId The passport.
    /// @param buyer The first customer.
    function firstSale(uint256 tokenId, address buyer) external;

    /// @notice The owner reports the passport Lost or Stolen; it cannot move until found (except
    /// by a recovery). The caller, its owner, is its status reporter, and the nonce advances, so that
    /// every consent, permit and rebind request signed before is dead.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and the caller owns it (ERC721IncorrectOwner);
    /// - it is Active and `status` is Lost or Stolen (PassportInvalidStatusChange).
    ///
    /// Emits a {StatusChanged} event.
    /// @param tokenId The passport.
    /// @param status Lost or Stolen.
    function reportStatus(uint256 tokenId, Status status) external;

    /// @notice The owner who reported the passport Lost or Stolen reports it found: Active again.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and is Lost or Stolen (PassportInvalidStatusChange);
    /// - the caller is its status reporter, its owner (PassportNotStatusReporter).
    ///
    /// Emits a {StatusChanged} event.
    /// @param tokenId The passport.
    function reportFound(uint256 tokenId) external;

    /// @notice Mark a product destroyed; final.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and is not Destroyed (PassportInvalidStatusChange);
    /// - the caller owns it, or holds DEFAULT_ADMIN_ROLE while the passport is unsold and its
    ///   owner holds a role of the brand (ERC721IncorrectOwner);
    /// - an unsold passport (the brand's stock) only while the brand is active (PassportBrandNotActive).
    ///
    /// Emits a {StatusChanged} event.
    /// @param tokenId The passport.
    function markDestroyed(uint256 tokenId) external;

    /// @notice Set the base of the token URIs: `tokenURI(id)` is `baseURI` followed by the id in decimal.
    /// Only while the brand is active: a brand that left cannot point its passports elsewhere.
    /// @dev Requirements: the caller holds DEFAULT_ADMIN_ROLE (AccessControlUnauthorizedAccount); the brand is
    /// active (PassportBrandNotActive).
    ///
    /// Emits a {BaseURIChanged} event.
    /// @param baseURI The new base.
    function setBaseURI(string calldata baseURI) external;

    /// @notice An accredited reseller records a resale with the seller's signed consent, and the
    /// passport moves to `buyer`. The signature is checked with SignatureChecker, so contract
    /// wallets (ERC-1271) can consent.
    /// @dev Requirements:
    ///
    /// - the caller is an accredited reseller (PassportResellerNotAccredited) and the consent
    ///   names it or address(0) (PassportConsentWrongReseller);
    /// - the consent names this chain (PassportConsentWrongChain) and this collection
    ///   (PassportConsentWrongCollection) and is not past its deadline (PassportConsentExpired);
    /// - the passport exists (ERC721NonexistentToken) and the consent names its current nonce
    ///   (PassportConsentStale): the resale advances the nonce, so a consent works once;
    /// - the consent names `buyer` or address(0) (PassportConsentWrongBuyer);
    /// - the passport's owner signed it (PassportConsentNotOwner);
    /// - the move's rules: `buyer` not zero (ERC721InvalidReceiver) and not the owner
    ///   (PassportSelfTransfer), the passport Active (PassportNotTransferable) and sold
    ///   (PassportNotSold), a contract `buyer` accepts it (ERC721InvalidReceiver).
    ///
    /// Emits a {Transfer}, an {OwnershipRecorded} (Resale) and a {ResaleRecorded} event.
    /// @param consent The seller's consent.
    /// @param buyer The account the passport moves to.
    /// @param signature The owner's signature of `consent`.
    function resell(ResaleConsent calldata consent, address buyer, bytes calldata signature) external;

    /// @notice Whether the permit or clear request with this EIP-712 digest was used. Resale
    /// consents are not recorded: a used one names a nonce its resale advanced (`nonces`), and
    /// its {ResaleRecorded} event names its digest.
    /// @param digest The request's EIP-712 digest.
    /// @return True once it was used.
    function isRequestUsed(bytes32 digest) external view returns (bool);

    /// @notice The EIP-712 digest of a resale consent in this collection's domain, the one its
    /// owner signs.
    /// @param consent The consent.
    /// @return The digest.
    function consentDigest(ResaleConsent calldata consent) external view returns (bytes32);

    /// @notice The admin of an active brand, on the request of an owner who lost their wallet,
    /// starts moving a sold passport (also a lost or stolen one) to `newOwner`, an account with no
    /// role of the brand; `completeRecovery` moves it after RECOVERY_DELAY unless the owner
    /// cancels first. The request dies when the passport moves or its nonce advances.
    /// @dev Requirements:
    ///
    /// - the caller holds DEFAULT_ADMIN_ROLE (AccessControlUnauthorizedAccount);
    /// - the passport exists (ERC721NonexistentToken) and the brand is active (PassportBrandNotActive);
    /// - the passport is sold (PassportNotSold) and not Destroyed (PassportNotTransferable);
    /// - `newOwner` is not zero (ERC721InvalidReceiver), not the owner (PassportSelfTransfer)
    ///   and holds no role of the brand (PassportRecoveryToBrand);
    /// - no request of this ownership is pending (PassportRecoveryPending);
    /// - unless a vote of the other members allowed requests for the owner (`allowRecovery`) since
    ///   her last cancel: the owner did not cancel a request for this passport during her ownership
    ///   (PassportRecoveryRefusedByOwner) and is not a contract (PassportRecoveryOfContractOwner).
    ///   The brand's admin key (or its thief) alone can never outwait an owner who proved she holds
    ///   her key; she moves the passport herself while she does, so her own signature needs no other path.
    ///
    /// Emits a {RecoveryRequested} event.
    /// @param tokenId The passport.
    /// @param newOwner The owner's new account.
    function requestRecovery(uint256 tokenId, address newOwner) external;

    /// @notice The owner (or the brand admin) cancels the pending recovery; an owner's cancel
    /// holds off new requests for this passport while she owns it, and ends any `allowRecovery` for her.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and a recovery of the current ownership
    ///   is pending (PassportNoRecovery);
    /// - the caller owns the passport or holds DEFAULT_ADMIN_ROLE (ERC721IncorrectOwner).
    ///
    /// Emits a {RecoveryCancelled} event.
    /// @param tokenId The passport.
    function cancelRecovery(uint256 tokenId) external;

    /// @notice Anyone completes a recovery whose delay has passed: the passport moves to the
    /// request's new owner, and a lost or stolen report passes to them.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and a request exists (PassportNoRecovery);
    /// - the passport has not moved and its nonce not advanced since the request (PassportRecoveryStale);
    /// - RECOVERY_DELAY has passed (PassportRecoveryNotReady) and the brand is active (PassportBrandNotActive);
    /// - the new owner holds no role of the brand now (PassportRecoveryToBrand);
    /// - the passport is not Destroyed (PassportNotTransferable), and a contract new owner
    ///   accepts it (ERC721InvalidReceiver).
    ///
    /// Emits a {Transfer} and an {OwnershipRecorded} event (Recovery).
    /// @param tokenId The passport.
    function completeRecovery(uint256 tokenId) external;

    /// @notice The pending recovery of the current ownership.
    /// @param tokenId The passport.
    /// @return The new owner and the first second it completes (zeros when none is pending).
    function recoveryOf(uint256 tokenId) external view returns (Recovery memory);

    /// @notice Whether requests for the passport are held off: its current owner cancelled one, or
    /// is a contract, and no vote allowed requests for her since.
    /// @param tokenId The passport.
    /// @return True while `requestRecovery` refuses it for that reason.
    function recoveryHeld(uint256 tokenId) external view returns (bool);

    /// @notice The registry, on a vote of the members other than this brand, allows recovery
    /// requests for `owner`'s passports of this collection despite her cancels, or her being a
    /// contract, until she cancels again.
    /// @dev Requirements: the caller is the registry (PassportNotRegistry). Emits {RecoveryAllowed}.
    /// @param owner The owner.
    function allowRecovery(address owner) external;

    /// @notice The registry tells the collection its brand's standing, as the registry changes it:
    /// every check "the brand is active" (minting, first sales, records, recovery) reads this copy
    /// in the collection's own storage instead of calling the registry.
    /// @dev Requirements: the caller is the registry (PassportNotRegistry). Emits {BrandActivityChanged}.
    /// @param active Whether the brand is active.
    function setBrandActive(bool active) external;

    /// @notice The brand clears a lost or stolen report on the reporting owner's request: their
    /// signature of `ClearReport(uint256 tokenId,uint256 reportNonce,uint256 deadline)`, where
    /// `reportNonce` is `nonces(tokenId)` after the report, so that a request names its report.
    /// @dev Requirements:
    ///
    /// - the caller holds DEFAULT_ADMIN_ROLE (AccessControlUnauthorizedAccount) of an active brand
    ///   (PassportBrandNotActive);
    /// - the passport exists (ERC721NonexistentToken) and is Lost or Stolen (PassportInvalidStatusChange);
    /// - the request is not past `deadline` (PassportRequestExpired), names the current report
    ///   (PassportClearRequestStale) and was not used (PassportClearRequestUsed);
    /// - the status reporter signed it (PassportClearRequestNotReporter); ERC-1271 wallets can.
    ///
    /// Emits a {StatusChanged} event.
    /// @param tokenId The passport.
    /// @param reportNonce The passport's nonce after the report the request clears.
    /// @param deadline The last second the request is valid.
    /// @param signature The reporter's signature of the request.
    function clearReportFor(uint256 tokenId, uint256 reportNonce, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Bind the product's chip (its public address) to a passport not yet sold. Closes
    /// the chip claim.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken);
    /// - the caller holds MINTER_ROLE or SERVICE_ROLE (AccessControlUnauthorizedAccount);
    /// - the brand is active (PassportBrandNotActive) and `chip` is not zero (PassportInvalidChip);
    /// - the passport is not sold (PassportRebindNeedsOwner): after the sale, `rebindChip`.
    ///
    /// Emits a {ChipBound} event.
    /// @param tokenId The passport.
    /// @param chip The chip's address.
    function bindChip(uint256 tokenId, address chip) external;

    /// @notice Rebind the chip of a passport (e.g. a service centre replacing a damaged chip)
    /// with its owner's signature of
    /// `ChipRebind(uint256 tokenId,address chip,uint256 nonce,uint256 deadline)` at the current
    /// nonce. Advances the nonce and closes the chip claim.
    /// @dev Requirements:
    ///
    /// - those of `bindChip` but the sale: the passport exists, the caller holds MINTER_ROLE or
    ///   SERVICE_ROLE, the brand is active, `chip` is not zero;
    /// - the request is not past `deadline` (PassportRequestExpired);
    /// - the owner signed it at the current nonce (PassportRebindNotOwner); ERC-1271 wallets can.
    ///
    /// Emits a {ChipBound} event.
    /// @param tokenId The passport.
    /// @param chip The new chip's address.
    /// @param deadline The last second the request is valid.
    /// @param signature The owner's signature of the request.
    function rebindChip(uint256 tokenId, address chip, uint256 deadline, bytes calldata signature) external;

    /// @notice The chip bound to a passport.
    /// @param tokenId The passport.
    /// @return The chip's address (address(0) when none is bound).
    function chipOf(uint256 tokenId) external view returns (address);

    /// @notice True when the bound chip signed
    /// `ChipChallenge(uint256 tokenId,address to,uint256 deadline,bytes32 blockHash,bytes32 nonce)`
    /// with `blockHash = blockhash(blockNumber)` of one of the last 256 blocks, and `deadline`
    /// has not passed. A check of authenticity only (no claim) uses `to` = address(0). False,
    /// never a revert, otherwise (also when no chip is bound); a used nonce is not checked here.
    /// @param tokenId The passport.
    /// @param to The recipient the challenge names.
    /// @param deadline The last second the answer is valid.
    /// @param blockNumber The block whose hash the challenge names.
    /// @param nonce The challenge's nonce.
    /// @param signature The chip's signature.
    /// @return Whether the bound chip answered this challenge.
    function verifyChip(
        uint256 tokenId,
        address to,
        uint256 deadline,
        uint256 blockNumber,
        bytes32 nonce,
        bytes calldata signature
    ) external view returns (bool);

    /// @notice The owner allows (or forbids) a holder of the item to claim the passport with the
    /// chip. The permission closes on every move and every rebind.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and the caller owns it (ERC721IncorrectOwner);
    /// - a chip is bound (PassportNoChip).
    ///
    /// Emits a {ChipClaimOpened} event.
    /// @param tokenId The passport.
    /// @param open Whether a chip claim is open.
    function setChipClaim(uint256 tokenId, bool open) external;

    /// @notice Whether the current owner opened a chip claim.
    /// @param tokenId The passport.
    /// @return True while a claim is open.
    function chipClaimOpen(uint256 tokenId) external view returns (bool);

    /// @notice Anyone moves the passport to `to` with the chip's fresh answer to a challenge
    /// naming `to` and `deadline`, if the current owner opened a claim.
    /// @dev Requirements:
    ///
    /// - the passport exists (ERC721NonexistentToken) and a claim is open (PassportChipClaimClosed);
    /// - `deadline` has not passed (PassportChipChallengeExpired);
    /// - the challenge's block is no older than the one before the block that opened the claim, and
    ///   `verifyChip` is true (PassportChipChallengeInvalid), and the nonce was not used for this
    ///   passport (PassportChipChallengeUsed);
    /// - the move's rules: `to` not zero (ERC721InvalidReceiver) and not the owner
    ///   (PassportSelfTransfer), the passport Active (PassportNotTransferable) and sold
    ///   (PassportNotSold), a contract `to` accepts it (ERC721InvalidReceiver).
    ///
    /// Emits a {Transfer} and an {OwnershipRecorded} event (ChipClaim).
    /// @param tokenId The passport.
    /// @param to The recipient, as the challenge names it.
    /// @param deadline The challenge's deadline.
    /// @param blockNumber The block whose hash the challenge names.
    /// @param nonce The challenge's nonce.
    /// @param signature The chip's signature.
    function claimWithChip(
        uint256 tokenId,
        address to,
        uint256 deadline,
        uint256 blockNumber,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice The owner ends every consent, permit, rebind and clear request, the token
    /// approval and the pending recovery of the passport without moving it, by advancing its
    /// nonce. Operators (`setApprovalForAll`) and an open chip claim stay.
    /// @dev Requirements: the passport exists (ERC721NonexistentToken) and the caller owns it
    /// (ERC721IncorrectOwner).
    ///
    /// Emits an {Approval} and a {SignaturesRevoked} event.
    /// @param tokenId The passport.
    function revokeSignatures(uint256 tokenId) external;

    /// @notice Commit a production batch: the Merkle root of its products' commitments (leaves
    /// `keccak256(bytes.concat(keccak256(abi.encode(commitment))))`, sorted pairs), so that
    /// retailers `claim` each passport at its first sale.
    /// @dev Requirements:
    ///
    /// - the caller holds MINTER_ROLE (AccessControlUnauthorizedAccount);
    /// - the brand is active (PassportBrandNotActive);
    /// - `root` is not zero (PassportInvalidBatchRoot) and not committed yet (PassportBatchAlreadyCommitted).
    ///
    /// Emits a {BatchCommitted} event.
    /// @param root The batch's Merkle root.
    function commitBatch(bytes32 root) external;

    /// @notice At the first sale, a retailer claims the passport of a committed product for its
    /// buyer: it is minted straight to the buyer, sold.
    /// @dev Requirements:
    ///
    /// - the caller holds RETAILER_ROLE (AccessControlUnauthorizedAccount);
    /// - the brand is active (PassportBrandNotActive) and `root` is committed (PassportUnknownBatch);
    /// - `proof` leads from `commitment` to `root` (PassportInvalidProof);
    /// - `commitment` is not zero (PassportInvalidCommitment) and not minted (ERC721InvalidSender);
    /// - `buyer` is not zero, and a contract `buyer` accepts it (ERC721InvalidReceiver).
    ///
    /// Emits a {Transfer} and an {OwnershipRecorded} event (FirstSale, from address(0), the
    /// implied head of a claim's record, which names no agent).
    /// @param root The batch's Merkle root.
    /// @param commitment The product's commitment.
    /// @param proof The Merkle proof of `commitment` in the batch.
    /// @param buyer The first customer.
    /// @return tokenId The passport's id, `uint256(commitment)`.
    function claim(bytes32 root, bytes32 commitment, bytes32[] calldata proof, address buyer)
        external
        returns (uint256 tokenId);

    /// @notice When a batch root was committed.
    /// @param root The batch's Merkle root.
    /// @return The block timestamp of its commit (0 when not committed).
    function batchCommittedAt(bytes32 root) external view returns (uint256);

    /// @notice One verdict byte (`Screening`) per listing, the first that applies: the passport
    /// does not exist; it is Lost, Stolen or Destroyed; `sellers[i]` does not own it (skipped
    /// when `sellers` is empty); a recovery is pending (the passport would move away from
    /// whoever buys it); else Authentic.
    /// @dev Requirements: `sellers` is empty or has one seller per passport (PassportLengthMismatch).
    /// @param tokenIds The passports listed.
    /// @param sellers The sellers of the listings, or none.
    /// @return One `Screening` byte per passport.
    function screen(uint256[] calldata tokenIds, address[] calldata sellers) external view returns (bytes memory);

    /// @notice A passport's state, with a plain mint's implied head resolved.
    /// @dev Requirements: the passport exists (ERC721NonexistentToken).
    /// @param tokenId The passport.
    /// @return The passport.
    function passport(uint256 tokenId) external view returns (Passport memory);

    /// @notice The passport with this commitment.
    /// @dev Requirements: it exists (ERC721NonexistentToken).
    /// @param commitment The product's commitment.
    /// @return tokenId The passport's id, `uint256(commitment)`.
    function passportOf(bytes32 commitment) external view returns (uint256 tokenId);

    /// @notice For each id: whether it exists, its owner and status, in one call.
    /// @param tokenIds The passports.
    /// @return exists Whether each exists.
    /// @return owners Each one's owner (address(0) when none).
    /// @return statuses Each one's status (Active when none).
    function passportsState(uint256[] calldata tokenIds)
        external
        view
        returns (bool[] memory exists, address[] memory owners, Status[] memory statuses);

    /// @notice Each passport's history head and record count, in one call.
    /// @param tokenIds The passports.
    /// @return head Each one's head (0 when none).
    /// @return records Each one's record count (0 when none).
    function heads(uint256[] calldata tokenIds) external view returns (bytes32[] memory head, uint32[] memory records);

    /// @notice This collection's brand.
    /// @return The brand's id in the registry.
    function brandId() external view returns (uint256);

    /// @notice The registry that created this collection.
    /// @return The registry's address.
    function registry() external view returns (address);

    /// @notice Whether `account` holds a role of the brand in this collection (DEFAULT_ADMIN_ROLE,
    /// MINTER_ROLE, RETAILER_ROLE or SERVICE_ROLE): an account that holds passports in brand custody.
    /// @param account The account.
    /// @return True when it holds any of the four roles.
    function isBrandCustodian(address account) external view returns (bool);
}
