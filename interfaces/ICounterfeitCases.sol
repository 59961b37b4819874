// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title Counterfeit cases: an accredited marketplace reports a listing, the brand rules on it.
/// @notice Only hashes of the listing and the evidence are stored; the listing itself and the
/// evidence stay with the marketplace and the brand.
interface ICounterfeitCases {
    /// @notice A case's ruling: Pending until the brand rules Counterfeit, Genuine or Dismissed.
    enum Ruling {
        Pending,
        Counterfeit,
        Genuine,
        Dismissed
    }

    /// @notice A counterfeit case.
    /// @dev `collection` and `tokenId` are the passport the listing claims to be, or zero.
    struct Case {
        address marketplace;
        uint64 filedAt;
        uint64 ruledAt;
        Ruling ruling;
        uint256 brandId;
        address collection;
        uint256 tokenId;
        bytes32 listingRef;
        bytes32 evidenceHash;
        bytes32 reasonHash;
    }

    /// @notice Emitted when a marketplace files a case.
    /// @param caseId The new case's id.
    /// @param brandId The brand the listing claims.
    /// @param marketplace The filing marketplace.
    /// @param listingRef The hash of the listing's reference.
    /// @param collection The collection the listing names, or zero.
    /// @param tokenId The passport the listing names, or zero.
    /// @param evidenceHash The hash of the marketplace's evidence.
    event CaseFiled(
        uint256 indexed caseId,
        uint256 indexed brandId,
        address indexed marketplace,
        bytes32 listingRef,
        address collection,
        uint256 tokenId,
        bytes32 evidenceHash
    );
    /// @notice Emitted when the brand's council rules on a case.
    /// @param caseId The case.
    /// @param brandId The case's brand.
    /// @param ruling The ruling.
    /// @param reasonHash The hash of the brand's reasons.
    /// @param by The council that ruled.
    event CaseRuled(uint256 indexed caseId, uint256 indexed brandId, Ruling ruling, bytes32 reasonHash, address by);

    /// @notice Thrown by `fileCase` when the caller is not an accredited marketplace.
    /// @param account The caller.
    error CasesNotAccreditedMarketplace(address account);
    /// @notice Thrown by `fileCase` when the registry knows no brand with this id.
    /// @param brandId The id given.
    error CasesUnknownBrand(uint256 brandId);
    /// @notice Thrown by `fileCase` when the collection named is not the brand's.
    /// @param collection The collection named.
    /// @param brandId The brand named.
    error CasesCollectionNotOfBrand(address collection, uint256 brandId);
    /// @notice Thrown when no case has this id.
    /// @param caseId The id given.
    error CasesUnknownCase(uint256 caseId);
    /// @notice Thrown by `ruleCase` when the caller is not the council of the case's brand.
    /// @param account The caller.
    /// @param brandId The case's brand.
    error CasesNotBrandCouncil(address account, uint256 brandId);
    /// @notice Thrown by `ruleCase` when the case was ruled already.
    /// @param caseId The case.
    /// @param ruling Its ruling.
    error CasesAlreadyRuled(uint256 caseId, Ruling ruling);
    /// @notice Thrown by `ruleCase` when the case's brand is suspended or removed.
    /// @param brandId The case's brand.
    /// @param status Its membership.
    error CasesBrandNotActive(uint256 brandId, IConsortiumRegistry.BrandStatus status);
    /// @notice Thrown by `ruleCase` when the ruling given is Pending.
    error CasesInvalidRuling();

    /// @notice An accredited marketplace files a case against a listing that claims to be a
    /// product of `brandId` (and, if it names one, of passport `tokenId` in `collection`).
    /// @dev Requirements:
    ///
    /// - the caller is an accredited marketplace (CasesNotAccreditedMarketplace);
    /// - the registry knows the brand (CasesUnknownBrand);
    /// - `collection` is zero or the brand's (CasesCollectionNotOfBrand).
    ///
    /// Emits a {CaseFiled} event.
    /// @param brandId The brand the listing claims.
    /// @param listingRef The hash of the listing's reference.
    /// @param collection The collection the listing names, or zero.
    /// @param tokenId The passport the listing names, or zero.
    /// @param evidenceHash The hash of the marketplace's evidence.
    /// @return caseId The new case's id.
    function fileCase(uint256 brandId, bytes32 listingRef, address collection, uint256 tokenId, bytes32 evidenceHash)
        external
        returns (uint256 caseId);

    /// @notice The brand's council rules, once: counterfeit, genuine or dismissed.
    /// @dev Requirements:
    ///
    /// - the case exists (CasesUnknownCase);
    /// - the caller is the council of the case's brand (CasesNotBrandCouncil), and the brand is
    ///   active (CasesBrandNotActive);
    /// - the case is pending (CasesAlreadyRuled) and `ruling` is not Pending (CasesInvalidRuling).
    ///
    /// Emits a {CaseRuled} event.
    /// @param caseId The case.
    /// @param ruling Counterfeit, Genuine or Dismissed.
    /// @param reasonHash The hash of the brand's reasons.
    function ruleCase(uint256 caseId, Ruling ruling, bytes32 reasonHash) external;

    /// @notice A case as recorded.
    /// @dev Requirements: the case exists (CasesUnknownCase).
    /// @param caseId The case.
    /// @return The case.
    function caseOf(uint256 caseId) external view returns (Case memory);
    /// @notice The number of cases filed; ids run from 1 to it.
    /// @return The count.
    function caseCount() external view returns (uint256);
    /// @notice The registry that created this case book.
    /// @return The registry's address.
    function registry() external view returns (address);
}
