// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

/// @title Counterfeit cases: an accredited marketplace reports a listing, the brand rules on it.
/// @notice Only hashes of the listing and the evidence are stored; the listing itself and the
/// evidence stay with the marketplace and the brand.
interface ICounterfeitCases {
    enum Ruling {
        Pending,
        Counterfeit,
        Genuine,
        Dismissed
    }

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

    event CaseFiled(
        uint256 indexed caseId,
        uint256 indexed brandId,
        address indexed marketplace,
        bytes32 listingRef,
        address collection,
        uint256 tokenId,
        bytes32 evidenceHash
    );
    event CaseRuled(uint256 indexed caseId, uint256 indexed brandId, Ruling ruling, bytes32 reasonHash, address by);

    error CasesNotAccreditedMarketplace(address account);
    error CasesUnknownBrand(uint256 brandId);
    error CasesCollectionNotOfBrand(address collection, uint256 brandId);
    error CasesUnknownCase(uint256 caseId);
    error CasesNotBrandCouncil(address account, uint256 brandId);
    error CasesAlreadyRuled(uint256 caseId, Ruling ruling);
    /// @notice Thrown when the council of a suspended or removed brand rules on a case.
    error CasesBrandNotActive(uint256 brandId, IConsortiumRegistry.BrandStatus status);
    error CasesInvalidRuling();

    /// @notice An accredited marketplace files a case against a listing that claims to be a
    /// product of `brandId` (and, if it names one, of passport `tokenId` in `collection`).
    function fileCase(uint256 brandId, bytes32 listingRef, address collection, uint256 tokenId, bytes32 evidenceHash)
        external
        returns (uint256 caseId);

    /// @notice The brand's council rules, once: counterfeit, genuine or dismissed.
    function ruleCase(uint256 caseId, Ruling ruling, bytes32 reasonHash) external;

    function caseOf(uint256 caseId) external view returns (Case memory);
    function caseCount() external view returns (uint256);
    function registry() external view returns (address);
}
