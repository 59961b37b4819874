// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICounterfeitCases} from "../interfaces/ICounterfeitCases.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";

/// @title CounterfeitCases
/// @notice Created by the ConsortiumRegistry. Invariants:
/// - only a marketplace the registry accredits files a case; a named collection is the
///   collection of the brand named;
/// - only that brand's council rules on it, only while the brand is active, and only once; a
///   ruling is never changed (a suspended brand rules after reinstatement, a removed one never);
/// - cases are append-only.
contract CounterfeitCases is ICounterfeitCases {
    IConsortiumRegistry private immutable _registry;
    Case[] private _cases; // case id = index + 1

    /// @param registry_ The registry whose accreditations and brands the cases follow.
    constructor(IConsortiumRegistry registry_) {
        _registry = registry_;
    }

    /// @inheritdoc ICounterfeitCases
    function fileCase(uint256 brandId, bytes32 listingRef, address collection, uint256 tokenId, bytes32 evidenceHash)
        external
        returns (uint256 caseId)
    {
        if (!_registry.isAccredited(msg.sender, IConsortiumRegistry.Accreditation.Marketplace)) {
            revert CasesNotAccreditedMarketplace(msg.sender);
        }
        if (_registry.brandStatus(brandId) == IConsortiumRegistry.BrandStatus.None) revert CasesUnknownBrand(brandId);
        if (collection != address(0) && _registry.brandIdOfCollection(collection) != brandId) {
            revert CasesCollectionNotOfBrand(collection, brandId);
        }
        _cases.push(
            Case({
                marketplace: msg.sender,
                filedAt: uint64(block.timestamp),
                ruledAt: 0,
                ruling: Ruling.Pending,
                brandId: brandId,
                collection: collection,
                tokenId: tokenId,
                listingRef: listingRef,
                evidenceHash: evidenceHash,
                reasonHash: bytes32(0)
            })
        );
        caseId = _cases.length;
        emit CaseFiled(caseId, brandId, msg.sender, listingRef, collection, tokenId, evidenceHash);
    }

    /// @inheritdoc ICounterfeitCases
    function ruleCase(uint256 caseId, Ruling ruling, bytes32 reasonHash) external {
        Case storage c = _case(caseId);
        IConsortiumRegistry.Brand memory brand = _registry.brand(c.brandId);
        if (brand.council != msg.sender) revert CasesNotBrandCouncil(msg.sender, c.brandId);
        if (brand.status != IConsortiumRegistry.BrandStatus.Active) revert CasesBrandNotActive(c.brandId, brand.status);
        if (c.ruling != Ruling.Pending) revert CasesAlreadyRuled(caseId, c.ruling);
        if (ruling == Ruling.Pending) revert CasesInvalidRuling();
        c.ruling = ruling;
        c.ruledAt = uint64(block.timestamp);
        c.reasonHash = reasonHash;
        emit CaseRuled(caseId, c.brandId, ruling, reasonHash, msg.sender);
    }

    /// @inheritdoc ICounterfeitCases
    function caseOf(uint256 caseId) external view returns (Case memory) {
        return _case(caseId);
    }

    /// @inheritdoc ICounterfeitCases
    function caseCount() external view returns (uint256) {
        return _cases.length;
    }

    /// @inheritdoc ICounterfeitCases
    function registry() external view returns (address) {
        return address(_registry);
    }

    function _case(uint256 caseId) private view returns (Case storage) {
        if (caseId == 0 || caseId > _cases.length) revert CasesUnknownCase(caseId);
        return _cases[caseId - 1];
    }
}
