// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IBrandPassport} from "../interfaces/IBrandPassport.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @title BrandPassport
/// @notice One brand's passport collection, created by the ConsortiumRegistry as a clone of
/// one implementation. Invariants:
/// - every mint and transfer passes `_update`, which refuses to move a lost, stolen or
///   destroyed passport and appends the ownership record; there is no burn;
/// - records are append-only: `head` only ever folds in a new record, and nothing recorded
///   can be edited or deleted, by anyone;
/// - only this brand's role holders write brand records (mints, lifecycle events, first
///   sales), and only while the registry lists the brand as active;
/// - before its first sale a passport moves only between brand custodians; the first sale is
///   made by a retailer; after it, only the owner (or whom the owner approved) moves it;
/// - a status reported by an owner is cleared only by that owner; destroyed is final.
contract BrandPassport is ERC721, AccessControl, IBrandPassport {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant RETAILER_ROLE = keccak256("RETAILER_ROLE");
    bytes32 public constant SERVICE_ROLE = keccak256("SERVICE_ROLE");

    address private _registry;
    uint256 private _brandId;
    string private _name;
    string private _symbol;
    string private _baseTokenURI;

    mapping(uint256 tokenId => Passport) private _passports;

    /// @dev Transfer kind chosen by the entry point for `_update`; 0 means "derive it".
    uint8 private transient _pendingKind;

    /// @dev The implementation itself is never initialized; only its clones are.
    constructor() ERC721("", "") {
        _registry = address(this);
    }

    /// @inheritdoc IBrandPassport
    function initialize(uint256 brandId_, string calldata name_, string calldata symbol_, address admin) external {
        if (_registry != address(0)) revert PassportAlreadyInitialized();
        _registry = msg.sender;
        _brandId = brandId_;
        _name = name_;
        _symbol = symbol_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

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
    function recordEvent(uint256 tokenId, EventKind kind, bytes32 detailsHash) external {
        _requireOwned(tokenId);
        if (!_mayRecord(msg.sender, kind)) revert PassportMissingRole(msg.sender, kind);
        _requireBrandActive();
        Passport storage p = _passports[tokenId];
        bytes32 head = _fold(p, abi.encode(RecordType.Lifecycle, uint8(kind), detailsHash, msg.sender));
        emit LifecycleRecorded(tokenId, kind, detailsHash, msg.sender, head);
    }

    /// @inheritdoc IBrandPassport
    function firstSale(uint256 tokenId, address buyer) external onlyRole(RETAILER_ROLE) {
        address owner = _requireOwned(tokenId);
        _requireBrandActive();
        if (_passports[tokenId].sold) revert PassportAlreadySold(tokenId);
        if (!isBrandCustodian(owner)) revert PassportNotInBrandCustody(tokenId, owner);
        if (buyer == address(0)) revert ERC721InvalidReceiver(buyer);
        _pendingKind = uint8(TransferKind.FirstSale) + 1;
        _update(buyer, tokenId, address(0));
        _pendingKind = 0;
    }

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
        _requireOwned(tokenId);
        Passport storage p = _passports[tokenId];
        if (p.status != Status.Lost && p.status != Status.Stolen) {
            revert PassportInvalidStatusChange(tokenId, p.status, Status.Active);
        }
        if (msg.sender != p.statusReporter) revert PassportNotStatusReporter(tokenId, msg.sender);
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
        _setStatus(tokenId, p, Status.Destroyed);
    }

    /// @inheritdoc IBrandPassport
    function setBaseURI(string calldata baseURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _baseTokenURI = baseURI;
        emit BaseURIChanged(baseURI);
    }

    function name() public view override returns (string memory) {
        return _name;
    }

    function symbol() public view override returns (string memory) {
        return _symbol;
    }

    /// @inheritdoc IBrandPassport
    function passport(uint256 tokenId) external view returns (Passport memory) {
        _requireOwned(tokenId);
        return _passports[tokenId];
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
        return interfaceId == type(IBrandPassport).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev The one choke point of every mint and transfer.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        Passport storage p = _passports[tokenId];
        TransferKind kind;
        if (from == address(0)) {
            kind = TransferKind.Mint;
            p.mintedAt = uint40(block.timestamp);
        } else {
            if (p.status != Status.Active) revert PassportNotTransferable(tokenId, p.status);
            if (to == address(0)) revert ERC721InvalidReceiver(to);
            if (_pendingKind != 0) {
                kind = TransferKind(_pendingKind - 1);
            } else if (p.sold) {
                kind = TransferKind.PrivateTransfer;
            } else if (isBrandCustodian(to)) {
                kind = TransferKind.Custody;
            } else {
                revert PassportFirstSaleByRetailer(tokenId);
            }
            if (kind == TransferKind.FirstSale) p.sold = true;
        }
        super._update(to, tokenId, auth);
        bytes32 head = _fold(p, abi.encode(RecordType.Ownership, from, to, uint8(kind), msg.sender));
        emit OwnershipRecorded(tokenId, from, to, kind, msg.sender, head);
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }

    function _mintPassport(address to, bytes32 commitment) private returns (uint256 tokenId) {
        if (commitment == bytes32(0)) revert PassportInvalidCommitment();
        tokenId = uint256(commitment);
        _mint(to, tokenId);
    }

    function _setStatus(uint256 tokenId, Passport storage p, Status status) private {
        Status previous = p.status;
        p.status = status;
        bytes32 head = _fold(p, abi.encode(RecordType.Status, uint8(status), msg.sender));
        emit StatusChanged(tokenId, previous, status, msg.sender, head);
    }

    function _fold(Passport storage p, bytes memory record) private returns (bytes32 head) {
        head = keccak256(abi.encodePacked(p.head, record));
        p.head = head;
        p.records += 1;
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
