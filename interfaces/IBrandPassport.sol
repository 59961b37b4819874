// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

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
/// Each record's event carries the head after it, so anyone can re-derive it from the logs.
interface IBrandPassport {
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
        PrivateTransfer
    }

    enum RecordType {
        Ownership,
        Lifecycle,
        Status
    }

    /// @dev `mintedAt`, `status`, `sold`, `records` and `statusReporter` share one slot.
    struct Passport {
        uint40 mintedAt;
        Status status;
        bool sold;
        uint32 records;
        address statusReporter;
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

    function passport(uint256 tokenId) external view returns (Passport memory);
    /// @notice The passport with this commitment; reverts with ERC721NonexistentToken if none.
    function passportOf(bytes32 commitment) external view returns (uint256 tokenId);
    /// @notice For each id: whether it exists, its owner and status, in one call.
    function passportsState(uint256[] calldata tokenIds)
        external
        view
        returns (bool[] memory exists, address[] memory owners, Status[] memory statuses);
    function brandId() external view returns (uint256);
    function registry() external view returns (address);
    function isBrandCustodian(address account) external view returns (bool);
}
